import { Type, type TSchema } from '@sinclair/typebox';

/** The body of every error answer. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
      correlationId: Type.Optional(Type.String()),
    }),
  },
  { $id: 'Error' },
);

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

/** Response schemas for the usual error statuses, so OpenAPI documents them. */
export function withErrors(ok: Record<number, TSchema>): Record<number, TSchema> {
  const err = Type.Ref('Error');
  return { ...ok, 400: err, 401: err, 403: err, 404: err, 409: err, 429: err };
}

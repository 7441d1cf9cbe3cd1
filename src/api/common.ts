import { Type, type TSchema } from '@sinclair/typebox';

/** The body of every error answer. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
      fields: Type.Optional(
        Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
          description: 'every field at fault, each with a sentence for the form (schema violations)',
        }),
      ),
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
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Response schemas for the usual error statuses, so OpenAPI documents them. */
export function withErrors<T extends Record<number, TSchema>>(ok: T) {
  const err = Type.Ref('Error');
  return { ...ok, 400: err, 401: err, 403: err, 404: err, 409: err, 429: err, 503: err };
}

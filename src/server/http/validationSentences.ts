/** One schema violation as fastify's validator (Ajv) reports it: the parts a sentence needs. */
export interface SchemaViolation {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
}

/** A field and what is wrong with it, in a sentence for the person filling in the form. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** "dateOfBirth" → "date of birth", "expiresInHours" → "expires in hours". */
export function fieldWords(field: string): string {
  const last = field.split('.').pop() ?? field;
  return last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

const plural = (n: unknown, one: string) => `${String(n)} ${one}${n === 1 ? '' : 's'}`;

/** The field a violation concerns: its path, or the missing property it names. */
function fieldOf(v: SchemaViolation): string {
  const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = typeof v.params.missingProperty === 'string' ? v.params.missingProperty : undefined;
  return [path, missing].filter(Boolean).join('.') || 'body';
}

/**
 * A schema violation as a sentence a patient can act on ("Enter an email address, like
 * name@example.com.") instead of the validator's "body/email must match format "email"". Unknown
 * keywords get a plain general sentence; the field is always named.
 */
export function sentenceFor(v: SchemaViolation): FieldProblem {
  const field = fieldOf(v);
  const words = fieldWords(field);
  const p = v.params;
  const message = (() => {
    switch (v.keyword) {
      case 'required':
        return `Fill in the ${words}.`;
      case 'format':
        if (p.format === 'email') return 'Enter an email address, like name@example.com.';
        if (p.format === 'uuid') return `Choose the ${words} from the list.`;
        if (p.format === 'date') return `Enter the ${words} as a date.`;
        return `The ${words} is not in the expected form.`;
      case 'minLength':
        return p.limit === 1
          ? `Fill in the ${words}.`
          : `The ${words} must be at least ${plural(p.limit, 'character')} long.`;
      case 'maxLength':
        return `The ${words} can be at most ${plural(p.limit, 'character')} long.`;
      case 'pattern':
        // The only pattern on a text field is "not only spaces".
        return p.pattern === '\\S' ? `Fill in the ${words}.` : `The ${words} is not in the expected form.`;
      case 'minimum':
      case 'exclusiveMinimum':
        return `The ${words} must be at least ${String(p.limit)}.`;
      case 'maximum':
      case 'exclusiveMaximum':
        return `The ${words} can be at most ${String(p.limit)}.`;
      case 'type':
        return p.type === 'integer' || p.type === 'number'
          ? `The ${words} must be a number.`
          : `The ${words} has the wrong kind of value.`;
      case 'enum':
      case 'const':
      case 'anyOf':
        return `Choose one of the offered values for the ${words}.`;
      case 'additionalProperties':
        return `The form sent a field the portal does not know (${String(p.additionalProperty)}).`;
      default:
        return `The ${words} is not valid.`;
    }
  })();
  return { field, message };
}

/**
 * Every violation as a sentence, one per field (the first for each field wins: a missing field is not
 * also "too short"), in the order the schema reported them.
 */
export function sentencesFor(violations: readonly SchemaViolation[]): FieldProblem[] {
  // A union (anyOf) reports each branch's failure and then itself: the branches' "must be a number" or
  // "must be a string" would mislead, so the union's own sentence wins for its field.
  const unions = new Set(violations.filter((v) => v.keyword === 'anyOf').map(fieldOf));
  const seen = new Map<string, FieldProblem>();
  for (const v of violations) {
    const field = fieldOf(v);
    if (seen.has(field) || (unions.has(field) && v.keyword !== 'anyOf')) continue;
    seen.set(field, sentenceFor(v));
  }
  return [...seen.values()];
}

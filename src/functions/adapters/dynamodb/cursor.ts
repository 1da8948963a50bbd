import { InvalidRequestError } from '../../domain/kernel/errors';

/** A DynamoDB `LastEvaluatedKey` as an opaque page cursor: base64url of its JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

/**
 * The `ExclusiveStartKey` a cursor stands for. The key must have exactly the string attributes `names`, and the
 * ones in `fixed` must have those values (a user's cursor cannot page through another user's items).
 * @throws InvalidRequestError when the cursor was not issued by this listing.
 */
export function decodeCursor(
  cursor: string | undefined,
  names: readonly string[],
  fixed: Readonly<Record<string, string>> = {},
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  const message = 'cursor is not valid for this listing; use nextCursor as returned';
  const invalid = () => new InvalidRequestError(message, { errors: [{ path: 'cursor', message }] });
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (key === null || typeof key !== 'object' || Array.isArray(key)) throw invalid();
  const entries = Object.entries(key as Record<string, unknown>);
  if (entries.length !== names.length) throw invalid();
  for (const [name, value] of entries) {
    if (!names.includes(name) || typeof value !== 'string' || value.length === 0) throw invalid();
    if (fixed[name] !== undefined && fixed[name] !== value) throw invalid();
  }
  return key as Record<string, string>;
}

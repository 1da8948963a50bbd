import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem size limit (keys per request). */
const BATCH_GET_LIMIT = 100;

/**
 * Reads the items with `key` in `values` from `table` (eventually consistent), 100 keys per BatchGetItem and
 * unprocessed keys retried with backoff. Returns only the key attribute of the items found.
 * @throws the backend error, or Error when keys stay unprocessed after 8 rounds.
 */
export async function batchGetKeys(
  client: DynamoDBDocumentClient,
  table: string,
  key: string,
  values: readonly string[],
  projection: string[] = [key],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const names = Object.fromEntries(projection.map((p, i) => [`#p${i}`, p]));
  for (let i = 0; i < values.length; i += BATCH_GET_LIMIT) {
    let keys: Record<string, unknown>[] | undefined = [...new Set(values.slice(i, i + BATCH_GET_LIMIT))].map((v) => ({
      [key]: v,
    }));
    for (let round = 0; keys && keys.length > 0; round++) {
      if (round === 8) throw new Error(`BatchGetItem on ${table} left ${keys.length} keys unprocessed`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
      const page = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: keys,
              ProjectionExpression: Object.keys(names).join(', '),
              ExpressionAttributeNames: names,
            },
          },
        }),
      );
      found.push(...(page.Responses?.[table] ?? []));
      keys = page.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}

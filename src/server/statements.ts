/**
 * Statements prepared once per connection and kept: hot read paths (the feed, cards) skip building
 * and preparing their SQL on every request, as drizzle's query builder does (issue 10). Lists of
 * ids travel as one JSON parameter (`IN (SELECT value FROM json_each(?))`), so any length shares
 * one statement. In the default mode the statement is prepared on the connection the handle reads
 * on; on libSQL the same SQL goes through drizzle with its `?` bound in order (issue 11).
 */
import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { sqliteConnectionOf, type Db } from './transaction';

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function statementOn(connection: Database.Database, source: string): Database.Statement {
  let byConnection = statements.get(connection);
  if (!byConnection) statements.set(connection, (byConnection = new Map()));
  let statement = byConnection.get(source);
  if (!statement) byConnection.set(source, (statement = connection.prepare(source)));
  return statement;
}

/** `source` with its `?` placeholders bound to `params`, in order (no `?` inside literals). */
function bound(source: string, params: unknown[]): SQL {
  const parts = source.split('?');
  if (parts.length - 1 !== params.length) throw new Error(`Expected ${parts.length - 1} parameters, got ${params.length}`);
  const chunks: SQL[] = [sql.raw(parts[0])];
  params.forEach((param, i) => chunks.push(sql`${param}`, sql.raw(parts[i + 1])));
  return sql.join(chunks, sql.raw(''));
}

/** Every row of a hot read, through a kept statement in the default mode. */
export async function preparedAll<T>(db: Db, source: string, ...params: unknown[]): Promise<T[]> {
  const connection = sqliteConnectionOf(db);
  if (connection) return statementOn(connection, source).all(...params) as T[];
  return db.all<T>(bound(source, params));
}

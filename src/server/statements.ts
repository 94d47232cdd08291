/**
 * Statements prepared once per connection and kept: hot read paths (the feed, cards) skip building
 * and preparing their SQL on every request, as drizzle's query builder does (issue 10). Lists of
 * ids travel as one JSON parameter (`IN (SELECT value FROM json_each(?))`), so any length shares
 * one statement.
 */
import type Database from 'better-sqlite3';
import type { Db } from './db';

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function prepared(db: Db, source: string): Database.Statement {
  let byConnection = statements.get(db.$client);
  if (!byConnection) statements.set(db.$client, (byConnection = new Map()));
  let statement = byConnection.get(source);
  if (!statement) byConnection.set(source, (statement = db.$client.prepare(source)));
  return statement;
}

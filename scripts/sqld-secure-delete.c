/*
 * A loadable SQLite extension for sqld: every connection sqld opens loads it (sqld
 * --extensions-path) and so runs with PRAGMA secure_delete = ON, which sqld refuses over the
 * network. Deleted rows are then overwritten with zeros in the pages sqld writes, as in the
 * default mode. Built by scripts/sqld-extensions.mjs.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

int sqlite3_extension_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  return sqlite3_exec(db, "PRAGMA secure_delete = ON", 0, 0, error);
}

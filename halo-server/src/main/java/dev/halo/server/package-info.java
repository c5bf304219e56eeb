/** halo's REST API and web UI: thin Javalin handlers over halo-app's use cases, one database (SQLite or PostgreSQL). */
package dev.halo.server;

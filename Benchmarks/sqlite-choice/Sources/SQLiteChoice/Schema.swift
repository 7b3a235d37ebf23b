/// The events table as measured (primary key = WAL seq, unique event id), without secondary indexes.
let createEventsTable = """
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ts INTEGER NOT NULL,
        service TEXT NOT NULL,
        environment TEXT,
        method TEXT NOT NULL,
        route TEXT,
        path TEXT NOT NULL,
        status INTEGER NOT NULL,
        duration_ms REAL,
        request_size INTEGER,
        response_size INTEGER,
        client_ip TEXT,
        consumer_id TEXT,
        user_id TEXT,
        session_id TEXT,
        trace_id TEXT,
        error_type TEXT,
        level TEXT,
        doc TEXT NOT NULL
    ) STRICT;
    CREATE TABLE ingest_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), applied_seq INTEGER NOT NULL) STRICT;
    """

let insertSQL = """
    INSERT OR IGNORE INTO events (seq, id, ts, service, environment, method, route, path, status, duration_ms,
        request_size, response_size, client_ip, consumer_id, user_id, session_id, trace_id, error_type, level, doc)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """

let checkpointSQL = """
    INSERT INTO ingest_checkpoint (id, applied_seq) VALUES (1, ?)
    ON CONFLICT (id) DO UPDATE SET applied_seq = excluded.applied_seq
    """

let columnsPerRow = 20

import CSQLite

/// SQL functions named as SpatiaLite's own, so the spatial-index triggers written into the
/// file run in our connections (these) and in spatialite/QGIS/GDAL (their native versions).
/// They read only the MBR in the BLOB header; a NULL or malformed BLOB gives NULL, as SpatiaLite does.
enum SpatialFunctions {
    private static let names = ["MbrMinX", "MbrMinY", "MbrMaxX", "MbrMaxY"]

    static func register(on db: OpaquePointer) throws {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        for (i, name) in names.enumerated() {
            // The user-data pointer carries which bound to return (1…4), so one C callback serves all.
            let which = UnsafeMutableRawPointer(bitPattern: i + 1)
            let rc = sqlite3_create_function_v2(db, name, 1, flags, which, { ctx, argc, argv in
                guard argc == 1, let arg = argv?[0],
                      sqlite3_value_type(arg) == SQLITE_BLOB,
                      let p = sqlite3_value_blob(arg) else {
                    sqlite3_result_null(ctx); return
                }
                let bytes = UnsafeRawBufferPointer(start: p, count: Int(sqlite3_value_bytes(arg)))
                guard let env = try? SpatiaLiteBlob.envelope(of: bytes) else {
                    sqlite3_result_null(ctx); return
                }
                switch Int(bitPattern: sqlite3_user_data(ctx)) {
                case 1: sqlite3_result_double(ctx, env.minX)
                case 2: sqlite3_result_double(ctx, env.minY)
                case 3: sqlite3_result_double(ctx, env.maxX)
                default: sqlite3_result_double(ctx, env.maxY)
                }
            }, nil, nil, nil)
            if rc != SQLITE_OK { throw DatabaseError(connection: db, code: rc, sql: "create function \(name)") }
        }
    }
}

import CSQLite

/// SQL functions named as SpatiaLite's own, so the spatial-index triggers written into the
/// file run in our connections (these) and in spatialite/QGIS/GDAL (their native versions).
/// They read only the MBR in the BLOB header; a NULL or malformed BLOB gives NULL, as SpatiaLite does.
///
/// `RTreeAlign` and `GeometryConstraints` are there because SpatiaLite rewrites a table's
/// triggers with calls to them when a user runs CreateSpatialIndex/RecoverGeometryColumn
/// (QGIS DB Manager does): the file must stay writable by us afterwards. Since schema 5 our
/// own ggi_/ggu_ triggers call GeometryConstraints and the pin kind triggers GeometryType.
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
        try registerRTreeAlign(on: db)
        try registerGeometryConstraints(on: db)
        try registerGeometryType(on: db)
    }

    private static func blobArgument(_ arg: OpaquePointer?) -> UnsafeRawBufferPointer? {
        guard let arg, sqlite3_value_type(arg) == SQLITE_BLOB, let p = sqlite3_value_blob(arg) else { return nil }
        return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_value_bytes(arg)))
    }

    /// RTreeAlign(rtree_table, rowid, geom): adds the geometry's MBR to the R*Tree, as SpatiaLite's.
    /// Returns 1 when added, 0 for a NULL or non-geometry value.
    private static func registerRTreeAlign(on db: OpaquePointer) throws {
        let rc = sqlite3_create_function_v2(db, "RTreeAlign", 3, SQLITE_UTF8, nil, { ctx, _, argv in
            guard let argv, let namePtr = sqlite3_value_text(argv[0]),
                  let bytes = SpatialFunctions.blobArgument(argv[2]),
                  let env = try? SpatiaLiteBlob.envelope(of: bytes) else {
                sqlite3_result_int(ctx, 0); return
            }
            let table = String(cString: namePtr).replacingOccurrences(of: "\"", with: "\"\"")
            let rowid = sqlite3_value_int64(argv[1])
            let connection = sqlite3_context_db_handle(ctx)
            var stmt: OpaquePointer?
            let sql = "INSERT INTO \"\(table)\" (pkid, xmin, xmax, ymin, ymax) VALUES (?, ?, ?, ?, ?)"
            var rc = sqlite3_prepare_v2(connection, sql, -1, &stmt, nil)
            if rc == SQLITE_OK {
                sqlite3_bind_int64(stmt, 1, rowid)
                sqlite3_bind_double(stmt, 2, env.minX); sqlite3_bind_double(stmt, 3, env.maxX)
                sqlite3_bind_double(stmt, 4, env.minY); sqlite3_bind_double(stmt, 5, env.maxY)
                rc = sqlite3_step(stmt)
            }
            sqlite3_finalize(stmt)
            if rc == SQLITE_DONE {
                sqlite3_result_int(ctx, 1)
            } else {
                sqlite3_result_error(ctx, sqlite3_errmsg(connection), -1)
            }
        }, nil, nil, nil)
        if rc != SQLITE_OK { throw DatabaseError(connection: db, code: rc, sql: "create function RTreeAlign") }
    }

    /// GeometryConstraints(geom, geometry_type, srid): 1 when the BLOB is NULL or has that
    /// class type (XY) and SRID, else 0 — what SpatiaLite's ggi_/ggu_ triggers test.
    private static func registerGeometryConstraints(on db: OpaquePointer) throws {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        let rc = sqlite3_create_function_v2(db, "GeometryConstraints", 3, flags, nil, { ctx, _, argv in
            guard let argv else { sqlite3_result_int(ctx, 0); return }
            if sqlite3_value_type(argv[0]) == SQLITE_NULL { sqlite3_result_int(ctx, 1); return }
            let wantType = sqlite3_value_int64(argv[1]), wantSRID = sqlite3_value_int64(argv[2])
            guard let bytes = SpatialFunctions.blobArgument(argv[0]),
                  let (type, srid) = SpatialFunctions.classAndSRID(bytes) else {
                sqlite3_result_int(ctx, 0); return
            }
            let ok = Int64(srid) == wantSRID && (wantType == 0 || Int64(type) == wantType)
            sqlite3_result_int(ctx, ok ? 1 : 0)
        }, nil, nil, nil)
        if rc != SQLITE_OK { throw DatabaseError(connection: db, code: rc, sql: "create function GeometryConstraints") }
    }

    /// The class code (byte 39: 1…7, +1000 Z, +2000 M, +3000 ZM, +1000000 compressed) and
    /// SRID of a SpatiaLite BLOB, or nil when it is not one.
    static func classAndSRID(_ bytes: UnsafeRawBufferPointer) -> (UInt32, Int32)? {
        guard bytes.count > SpatiaLiteBlob.headerSize, let srid = try? SpatiaLiteBlob.srid(of: bytes) else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: 39, as: UInt32.self)
        return (bytes[1] == 1 ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw), srid)
    }

    /// The names as static text, by dimensions then kind: `GeometryType` runs once per row
    /// of an OGC page (its kind filter), where building a String per row showed.
    private static let typeNames: [[StaticString]] = [
        ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"],
        ["POINT Z", "LINESTRING Z", "POLYGON Z", "MULTIPOINT Z", "MULTILINESTRING Z", "MULTIPOLYGON Z", "GEOMETRYCOLLECTION Z"],
        ["POINT M", "LINESTRING M", "POLYGON M", "MULTIPOINT M", "MULTILINESTRING M", "MULTIPOLYGON M", "GEOMETRYCOLLECTION M"],
        ["POINT ZM", "LINESTRING ZM", "POLYGON ZM", "MULTIPOINT ZM", "MULTILINESTRING ZM", "MULTIPOLYGON ZM", "GEOMETRYCOLLECTION ZM"],
    ]

    /// GeometryType(geom): 'POINT', 'MULTIPOLYGON Z', 'LINESTRING M'…, as SpatiaLite's;
    /// NULL for NULL or a value that is not a SpatiaLite geometry. The pin table's
    /// kind triggers call it (in spatialite and QGIS they get SpatiaLite's own).
    static func geometryTypeText(_ bytes: UnsafeRawBufferPointer) -> StaticString? {
        guard let (code, _) = classAndSRID(bytes) else { return nil }
        let base = code % 1_000_000
        let kind = Int(base % 1000), dims = Int(base / 1000)
        guard (1...7).contains(kind), dims <= 3 else { return nil }
        return typeNames[dims][kind - 1]
    }

    private static func registerGeometryType(on db: OpaquePointer) throws {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        let rc = sqlite3_create_function_v2(db, "GeometryType", 1, flags, nil, { ctx, _, argv in
            guard let argv, let bytes = SpatialFunctions.blobArgument(argv[0]),
                  let name = SpatialFunctions.geometryTypeText(bytes) else {
                sqlite3_result_null(ctx); return
            }
            // Static text: SQLite neither copies nor frees it (a nil destructor is SQLITE_STATIC).
            name.utf8Start.withMemoryRebound(to: CChar.self, capacity: name.utf8CodeUnitCount) {
                sqlite3_result_text(ctx, $0, Int32(name.utf8CodeUnitCount), nil)
            }
        }, nil, nil, nil)
        if rc != SQLITE_OK { throw DatabaseError(connection: db, code: rc, sql: "create function GeometryType") }
    }
}

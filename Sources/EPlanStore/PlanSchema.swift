/// Schema step 2: local governments (LAOs, อปท.), their development plans, projects with
/// budget attributes, and pins with their whole history.
///
/// Conventions: codes are TEXT; plan years are Buddhist era (BE) integers; dates are ISO
/// 8601 text (CE) — BE appears only where people read; money is baht as REAL.
enum PlanSchema {
    static let migration = Migration(version: 2, name: "LAOs, development plans, projects and pins") { db in
        try db.execute("""
            CREATE TABLE setting (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL);

            CREATE TABLE lao (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL CHECK (type IN ('pao', 'city', 'town', 'subdistrict', 'sao')),
                name_th TEXT NOT NULL,
                short_th TEXT,
                name_en TEXT,
                amphoe_code TEXT,
                province_code TEXT NOT NULL,
                -- how the jurisdiction was made: the province, whole tambons, tambons with a
                -- (possibly synthetic) municipal part, or imported polygons
                coverage TEXT NOT NULL CHECK (coverage IN ('province', 'whole', 'part', 'polygon')),
                synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
                source TEXT,
                vision_recorded_on TEXT,
                strategies INTEGER CHECK (strategies IS NULL OR strategies >= 0),
                updated_at TEXT NOT NULL);
            CREATE INDEX lao_province ON lao (province_code, amphoe_code);

            -- the tambons an LAO covers (wholly or in part)
            CREATE TABLE lao_tambon (
                lao_code TEXT NOT NULL REFERENCES lao (code) ON UPDATE CASCADE ON DELETE CASCADE,
                tambon_code TEXT NOT NULL,
                whole INTEGER NOT NULL CHECK (whole IN (0, 1)),
                PRIMARY KEY (lao_code, tambon_code));
            CREATE INDEX lao_tambon_tambon ON lao_tambon (tambon_code);

            -- an LAO's multi-year development plan (แผนพัฒนา 3 ปี)
            CREATE TABLE dev_plan (
                id INTEGER PRIMARY KEY,
                lao_code TEXT NOT NULL REFERENCES lao (code) ON UPDATE CASCADE ON DELETE CASCADE,
                first_year INTEGER NOT NULL CHECK (first_year BETWEEN 2400 AND 2800),
                last_year INTEGER NOT NULL CHECK (last_year >= first_year AND last_year - first_year < 10),
                approved_on TEXT,
                recorded_on TEXT NOT NULL,
                UNIQUE (lao_code, first_year));

            CREATE TABLE project (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                lao_code TEXT NOT NULL REFERENCES lao (code) ON UPDATE CASCADE,
                plan_year INTEGER NOT NULL CHECK (plan_year BETWEEN 2400 AND 2800),
                name_th TEXT NOT NULL,
                strategy TEXT,
                kind TEXT NOT NULL CHECK (kind IN ('road', 'building', 'water', 'other')),
                budget REAL CHECK (budget IS NULL OR budget >= 0),
                funding TEXT CHECK (funding IS NULL OR funding IN ('own', 'general', 'specific')),
                plan_approved_on TEXT,
                budget_approved_on TEXT,
                contract_signed_on TEXT,
                contract_amount REAL CHECK (contract_amount IS NULL OR contract_amount >= 0),
                disbursed_amount REAL CHECK (disbursed_amount IS NULL OR disbursed_amount >= 0),
                disbursed_on TEXT,
                progress REAL CHECK (progress IS NULL OR progress BETWEEN 0 AND 100),
                completed_on TEXT,
                synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
                recorded_on TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK (disbursed_amount IS NULL OR contract_amount IS NULL OR disbursed_amount <= contract_amount));
            CREATE INDEX project_lao ON project (lao_code, plan_year);

            -- every change of a project's stages, as entered
            CREATE TABLE project_stage_log (
                id INTEGER PRIMARY KEY,
                project_code TEXT NOT NULL REFERENCES project (code) ON UPDATE CASCADE ON DELETE CASCADE,
                field TEXT NOT NULL,
                old_value TEXT,
                new_value TEXT,
                changed_at TEXT NOT NULL,
                changed_by TEXT NOT NULL);

            -- every pin ever accepted for a project; the newest is current
            CREATE TABLE pin (
                id INTEGER PRIMARY KEY,
                project_code TEXT NOT NULL REFERENCES project (code) ON UPDATE CASCADE ON DELETE CASCADE,
                version INTEGER NOT NULL CHECK (version >= 1),
                is_current INTEGER NOT NULL DEFAULT 1 CHECK (is_current IN (0, 1)),
                pinned_at TEXT NOT NULL,
                pinned_by TEXT NOT NULL,
                raw_input TEXT NOT NULL,
                input_crs INTEGER NOT NULL,
                -- valid: inside (or within tolerance); warning: accepted with a warning;
                -- outside: stored only when forced, for analysts to review
                status TEXT NOT NULL CHECK (status IN ('valid', 'warning', 'outside')),
                tolerance_m REAL NOT NULL,
                distance_outside_m REAL,
                outside_fraction REAL,
                found_lao_code TEXT,
                found_tambon_code TEXT,
                found_amphoe_code TEXT,
                messages TEXT,
                UNIQUE (project_code, version));
            CREATE UNIQUE INDEX pin_current ON pin (project_code) WHERE is_current = 1;
            """)
        try db.createGeometryColumn(table: "lao", column: "geom", type: .multiPolygon, srid: 4326)
        try db.createGeometryColumn(table: "pin", column: "geom", type: nil, srid: 4326)
    }
}

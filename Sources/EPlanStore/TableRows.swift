import EPlanGeometry

// One decoder per table: its columns (see `ColumnSet`) and the only code that reads them
// into a record, or writes a record's values in the same order.

/// `project`.
enum ProjectRow {
    enum Column: Int32, ColumnSet {
        case code, lao_code, plan_year, name_th, strategy, kind, budget, funding, plan_approved_on,
             budget_approved_on, contract_signed_on, contract_amount, disbursed_amount, disbursed_on, progress,
             completed_on, synthetic, recorded_on, updated_at
    }

    static func decode(_ r: Columns<Column>) -> ProjectRecord {
        ProjectRecord(
            code: r.text(.code), laoCode: r.text(.lao_code), planYear: r.int(.plan_year), nameTH: r.text(.name_th),
            strategy: r.string(.strategy), kind: ProjectKind(rawValue: r.text(.kind)) ?? .other,
            budget: r.optionalDouble(.budget), funding: r.string(.funding).flatMap(FundingSource.init(rawValue:)),
            planApprovedOn: r.string(.plan_approved_on), budgetApprovedOn: r.string(.budget_approved_on),
            contractSignedOn: r.string(.contract_signed_on), contractAmount: r.optionalDouble(.contract_amount),
            disbursedAmount: r.optionalDouble(.disbursed_amount), disbursedOn: r.string(.disbursed_on),
            progress: r.optionalDouble(.progress).map(ProjectRecord.roundedProgress), completedOn: r.string(.completed_on),
            synthetic: r.bool(.synthetic), recordedOn: r.string(.recorded_on), updatedAt: r.string(.updated_at))
    }

    /// The record's values in column order.
    static func values(_ p: ProjectRecord, recordedOn: String, now: String) -> [SQLValue] {
        Column.allCases.map { c in
            switch c {
            case .code: return .text(p.code)
            case .lao_code: return .text(p.laoCode)
            case .plan_year: return .integer(Int64(p.planYear))
            case .name_th: return .text(p.nameTH)
            case .strategy: return SQLValue(p.strategy)
            case .kind: return .text(p.kind.rawValue)
            case .budget: return SQLValue(p.budget)
            case .funding: return SQLValue(p.funding?.rawValue)
            case .plan_approved_on: return SQLValue(p.planApprovedOn)
            case .budget_approved_on: return SQLValue(p.budgetApprovedOn)
            case .contract_signed_on: return SQLValue(p.contractSignedOn)
            case .contract_amount: return SQLValue(p.contractAmount)
            case .disbursed_amount: return SQLValue(p.disbursedAmount)
            case .disbursed_on: return SQLValue(p.disbursedOn)
            case .progress: return SQLValue(p.progress)
            case .completed_on: return SQLValue(p.completedOn)
            case .synthetic: return SQLValue(p.synthetic)
            case .recorded_on: return .text(recordedOn)
            case .updated_at: return .text(now)
            }
        }
    }
}

/// The few `project` columns pinning needs.
enum ProjectRefRow {
    enum Column: Int32, ColumnSet { case code, lao_code, kind, plan_year, name_th }

    static func decode(_ r: Columns<Column>, defaultKind: String = "") -> ProjectRef {
        ProjectRef(code: r.text(.code), laoCode: r.text(.lao_code), kind: r.string(.kind) ?? defaultKind,
                   planYear: r.int(.plan_year), nameTH: r.text(.name_th))
    }
}

/// `pin`.
enum PinRow {
    enum Column: Int32, ColumnSet {
        case project_code, version, is_current, pinned_at, pinned_by, raw_input, input_crs, status, tolerance_m,
             distance_outside_m, outside_fraction, found_lao_code, found_tambon_code, found_amphoe_code, messages, geom
    }

    static func decode(_ r: Columns<Column>) throws -> PinRecord {
        let geometry: Geometry = try r.withBlob(.geom) { bytes in
            guard let bytes, !bytes.isEmpty else { return .multiPoint([]) }
            return try SpatiaLiteBlob.decode(bytes).geometry
        }
        return PinRecord(
            projectCode: r.text(.project_code), version: r.int(.version), isCurrent: r.bool(.is_current),
            pinnedAt: r.text(.pinned_at), pinnedBy: r.text(.pinned_by), rawInput: r.text(.raw_input),
            inputCRS: r.int(.input_crs), status: PinStatus(rawValue: r.text(.status)) ?? .outside,
            toleranceM: r.double(.tolerance_m), distanceOutsideM: r.optionalDouble(.distance_outside_m),
            outsideFraction: r.optionalDouble(.outside_fraction), foundLAOCode: r.string(.found_lao_code),
            foundTambonCode: r.string(.found_tambon_code), foundAmphoeCode: r.string(.found_amphoe_code),
            messages: Store.decodeMessages(r.string(.messages)), geometry: geometry)
    }

    /// The pin's values in column order, with `version`, current, and its geometry's BLOB.
    static func values(_ p: PinRecord, version: Int, blob: [UInt8]?) -> [SQLValue] {
        Column.allCases.map { c in
            switch c {
            case .project_code: return .text(p.projectCode)
            case .version: return .integer(Int64(version))
            case .is_current: return .integer(1)
            case .pinned_at: return .text(p.pinnedAt)
            case .pinned_by: return .text(p.pinnedBy)
            case .raw_input: return .text(p.rawInput)
            case .input_crs: return .integer(Int64(p.inputCRS))
            case .status: return .text(p.status.rawValue)
            case .tolerance_m: return .real(p.toleranceM)
            case .distance_outside_m: return SQLValue(p.distanceOutsideM)
            case .outside_fraction: return SQLValue(p.outsideFraction)
            case .found_lao_code: return SQLValue(p.foundLAOCode)
            case .found_tambon_code: return SQLValue(p.foundTambonCode)
            case .found_amphoe_code: return SQLValue(p.foundAmphoeCode)
            case .messages: return SQLValue(Store.encodeMessages(p.messages))
            case .geom: return SQLValue(blob)
            }
        }
    }
}

/// `lao` (its tambons live in `lao_tambon`, read apart).
enum LAORow {
    enum Column: Int32, ColumnSet {
        case code, type, name_th, short_th, name_en, amphoe_code, province_code, coverage, synthetic, source,
             vision_recorded_on, strategies, geom
    }

    static func decode(_ r: Columns<Column>) throws -> LAORecord {
        let geometry: Geometry? = try r.withBlob(.geom) { bytes in
            guard let bytes, !bytes.isEmpty else { return nil }
            return try SpatiaLiteBlob.decode(bytes).geometry
        }
        return LAORecord(
            code: r.text(.code), type: LAOType(rawValue: r.text(.type)) ?? .sao,
            nameTH: r.text(.name_th), shortTH: r.string(.short_th), nameEN: r.string(.name_en),
            amphoeCode: r.string(.amphoe_code), provinceCode: r.text(.province_code),
            coverage: LAOCoverage(rawValue: r.text(.coverage)) ?? .polygon, synthetic: r.bool(.synthetic),
            source: r.string(.source), tambons: [], jurisdiction: geometry,
            visionRecordedOn: r.string(.vision_recorded_on), strategies: r.optionalInt(.strategies))
    }

    /// The record's values in column order, its jurisdiction as a BLOB (`geom`: `blob`).
    static func values(_ l: LAORecord, blob: SQLValue) -> [SQLValue] {
        Column.allCases.map { c in
            switch c {
            case .code: return .text(l.code)
            case .type: return .text(l.type.rawValue)
            case .name_th: return .text(l.nameTH)
            case .short_th: return SQLValue(l.shortTH)
            case .name_en: return SQLValue(l.nameEN)
            case .amphoe_code: return SQLValue(l.amphoeCode)
            case .province_code: return .text(l.provinceCode)
            case .coverage: return .text(l.coverage.rawValue)
            case .synthetic: return SQLValue(l.synthetic)
            case .source: return SQLValue(l.source)
            case .vision_recorded_on: return SQLValue(l.visionRecordedOn)
            case .strategies: return SQLValue(l.strategies)
            case .geom: return blob
            }
        }
    }
}

/// `province`, `amphoe` and `tambon` through one select list (see `BoundaryLevel.selectSQL`).
enum BoundaryRow {
    enum Column: Int32, ColumnSet {
        case code, parent_code, province_code, name_th, name_en, geom, is_valid, invalid_reason, invalid_x, invalid_y
    }

    /// The SQL giving `c` at `level`: a province has no parent and is its own province.
    static func expression(_ c: Column, _ level: BoundaryLevel) -> String {
        switch (c, level) {
        case (.parent_code, .province): return "NULL"
        case (.parent_code, .amphoe): return "province_code"
        case (.parent_code, .tambon): return "amphoe_code"
        case (.province_code, .province): return "code"
        default: return c.name
        }
    }

    /// Decodes a row; `keep` sees the BLOB header's box first, and nil is returned (nothing
    /// decoded) when it says no.
    static func decode(_ r: Columns<Column>, level: BoundaryLevel, keep: ((Envelope) -> Bool)?) throws -> BoundaryRecord? {
        let geometry: Geometry? = try r.withBlob(.geom) { bytes in
            guard let bytes, !bytes.isEmpty else { return .multiPolygon([]) }
            if let keep, let env = try SpatiaLiteBlob.envelope(of: bytes), !keep(env) { return nil }
            return try SpatiaLiteBlob.decode(bytes).geometry
        }
        guard let geometry else { return nil }
        let location: Coordinate? = r.isNull(.invalid_x) || r.isNull(.invalid_y)
            ? nil : Coordinate(r.double(.invalid_x), r.double(.invalid_y))
        return BoundaryRecord(
            level: level, code: r.text(.code), parentCode: r.string(.parent_code), provinceCode: r.text(.province_code),
            nameTH: r.text(.name_th), nameEN: r.string(.name_en), geometry: geometry,
            isValid: r.bool(.is_valid), invalidReason: r.string(.invalid_reason), invalidLocation: location)
    }
}

/// `dev_plan`.
enum DevPlanRow {
    enum Column: Int32, ColumnSet { case id, lao_code, first_year, last_year, approved_on, recorded_on, approved }

    static func decode(_ r: Columns<Column>) -> DevPlan {
        DevPlan(id: r.int64(.id), laoCode: r.text(.lao_code), firstYear: r.int(.first_year), lastYear: r.int(.last_year),
                approvedOn: r.string(.approved_on), recordedOn: r.text(.recorded_on), approved: r.bool(.approved))
    }
}

/// `project_stage_log`.
enum StageLogRow {
    enum Column: Int32, ColumnSet { case project_code, field, old_value, new_value, changed_at, changed_by }

    static func decode(_ r: Columns<Column>) -> ProjectStageLogEntry {
        ProjectStageLogEntry(projectCode: r.text(.project_code), field: r.text(.field), oldValue: r.string(.old_value),
                             newValue: r.string(.new_value), changedAt: r.text(.changed_at), changedBy: r.text(.changed_by))
    }
}

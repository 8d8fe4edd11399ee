/// Which GeoJSON properties hold a boundary's code, parent code and names. The
/// defaults are those of the reference files in `geodata/` (`tambon_code`, …).
public struct BoundaryFields: Sendable, Equatable {
    public var code: String
    public var parentCode: String?
    public var provinceCode: String
    public var nameTH: String
    public var nameEN: String

    public init(code: String, parentCode: String?, provinceCode: String, nameTH: String, nameEN: String) {
        self.code = code; self.parentCode = parentCode; self.provinceCode = provinceCode
        self.nameTH = nameTH; self.nameEN = nameEN
    }

    public static func defaults(for level: BoundaryLevel) -> BoundaryFields {
        switch level {
        case .province:
            return BoundaryFields(code: "province_code", parentCode: nil, provinceCode: "province_code",
                                  nameTH: "province_th", nameEN: "province_en")
        case .amphoe:
            return BoundaryFields(code: "amphoe_code", parentCode: "province_code", provinceCode: "province_code",
                                  nameTH: "amphoe_th", nameEN: "amphoe_en")
        case .tambon:
            return BoundaryFields(code: "tambon_code", parentCode: "amphoe_code", provinceCode: "province_code",
                                  nameTH: "tambon_th", nameEN: "tambon_en")
        }
    }
}

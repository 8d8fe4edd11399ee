import EPlanDomain

/// The JSON every front door gives for a pin result (`eplan pin --format json`, and the
/// service's answer), so both say the same thing in the same words.
extension PinResult {
    public func json(_ language: Language) -> String {
        func unit(_ u: AdminUnit?) -> String {
            guard let u else { return "null" }
            return "{\"code\":\(JSONText.string(u.code)),\"name_th\":\(JSONText.string(u.nameTH)),\"name_en\":\(JSONText.string(u.nameEN))}"
        }
        var found = "null"
        if let f = verdict.found {
            let lao = f.lao.map { "{\"code\":\(JSONText.string($0.code)),\"name_th\":\(JSONText.string($0.displayTH)),\"name_en\":\(JSONText.string($0.displayEN))}" } ?? "null"
            found = "{\"lao\":\(lao),\"tambon\":\(unit(f.tambon)),\"amphoe\":\(unit(f.amphoe))}"
        }
        let fields = [
            "\"project\":\(JSONText.string(project.code))",
            "\"lao\":\(JSONText.string(verdict.lao.code))",
            "\"outcome\":\"\(verdict.outcome.rawValue)\"",
            "\"status\":\"\(verdict.status.rawValue)\"",
            "\"stored\":\(stored != nil)",
            "\"version\":\(stored.map { String($0.version) } ?? "null")",
            "\"geometry_type\":\"\(verdict.geometryType.rawValue)\"",
            "\"input\":\(JSONText.string(candidate.rawInput))",
            "\"input_crs\":\"EPSG:\(candidate.inputCRS.epsg)\"",
            "\"tolerance_m\":\(JSONText.number(verdict.toleranceM, decimals: 2))",
            "\"distance_outside_m\":\(JSONText.number(verdict.distanceOutsideM, decimals: 2))",
            "\"outside_fraction\":\(verdict.outsideFraction.map { JSONText.number($0, decimals: 6) } ?? "null")",
            "\"found\":\(found)",
            "\"messages\":[\(verdict.messages.map { JSONText.string($0.text(language)) }.joined(separator: ","))]",
            "\"geometry\":\(GeoJSONGeometry.encode(candidate.geometry))",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}

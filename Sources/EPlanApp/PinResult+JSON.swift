import EPlanDomain

/// The JSON every front door gives for a pin result (`eplan pin --format json`, and the
/// service's answer), so both say the same thing in the same words.
extension PinResult {
    public func json(_ language: Language) -> String { String(decoding: jsonBytes(language), as: UTF8.self) }

    /// The same as bytes, written in one buffer (the service's answer to every pin: the
    /// fields as strings joined cost a thirtieth of a served pin's CPU).
    public func jsonBytes(_ language: Language) -> [UInt8] {
        var out = JSONBytes(capacity: 768)
        func unit(_ u: AdminUnit?) {
            guard let u else { return out.raw("null") }
            out.raw("{\"code\":"); out.quoted(u.code)
            out.raw(",\"name_th\":"); out.quoted(u.nameTH)
            out.raw(",\"name_en\":"); out.quoted(u.nameEN)
            out.raw("}")
        }
        out.raw("{\"project\":"); out.quoted(project.code)
        out.raw(",\"lao\":"); out.quoted(verdict.lao.code)
        out.raw(",\"outcome\":\""); out.plain(verdict.outcome.rawValue)
        out.raw("\",\"status\":\""); out.plain(verdict.status.rawValue)
        out.raw("\",\"stored\":")
        if stored != nil { out.raw("true") } else { out.raw("false") }
        out.raw(",\"version\":"); if let s = stored { out.plain(String(s.version)) } else { out.raw("null") }
        out.raw(",\"geometry_type\":\""); out.plain(verdict.geometryType.rawValue)
        out.raw("\",\"input\":"); out.quoted(candidate.rawInput)
        out.raw(",\"input_crs\":\"EPSG:"); out.plain(String(candidate.inputCRS.epsg))
        out.raw("\",\"tolerance_m\":"); out.plain(JSONText.number(verdict.toleranceM, decimals: 2))
        out.raw(",\"distance_outside_m\":"); out.plain(JSONText.number(verdict.distanceOutsideM, decimals: 2))
        out.raw(",\"outside_fraction\":")
        if let f = verdict.outsideFraction { out.plain(JSONText.number(f, decimals: 6)) } else { out.raw("null") }
        out.raw(",\"found\":")
        if let f = verdict.found {
            out.raw("{\"lao\":")
            if let lao = f.lao {
                out.raw("{\"code\":"); out.quoted(lao.code)
                out.raw(",\"name_th\":"); out.quoted(lao.displayTH)
                out.raw(",\"name_en\":"); out.quoted(lao.displayEN)
                out.raw("}")
            } else {
                out.raw("null")
            }
            out.raw(",\"tambon\":"); unit(f.tambon)
            out.raw(",\"amphoe\":"); unit(f.amphoe)
            out.raw("}")
        } else {
            out.raw("null")
        }
        out.raw(",\"messages\":[")
        for (i, m) in verdict.messages.enumerated() {
            if i > 0 { out.raw(",") }
            out.quoted(m.text(language))
        }
        out.raw("],\"geometry\":"); out.geoJSON(candidate.geometry)
        out.raw("}")
        return out.bytes
    }
}

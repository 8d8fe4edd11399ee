import EPlanApp
import EPlanDomain

/// The OpenAPI 3.0 document of the `/ogc` routes (`GET /ogc/api`), paths relative to the
/// server `{public-url}/ogc` as OGC API – Features lays them out. It states the `limit`
/// default and maximum, which QGIS and GDAL read to choose their page size. A test keeps
/// its paths equal to the router's.
enum OGCOpenAPI {
    static let paths = ["/", "/conformance", "/api", "/collections", "/collections/{collectionId}",
                        "/collections/{collectionId}/items", "/collections/{collectionId}/items/{featureId}"]

    static func document(server: String) -> String {
        let filters = ["lao_code", "amphoe_code", "province_code", "plan_year", "stage", "funding", "kind"].map { name in
            "{\"name\":\"\(name)\",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"string\"},\"description\":\"Property filter (see each collection); plan_year is Buddhist era.\"}"
        }
        let itemsParams = ["{\"$ref\":\"#/components/parameters/collectionId\"}", "{\"$ref\":\"#/components/parameters/limit\"}",
                           "{\"$ref\":\"#/components/parameters/bbox\"}", "{\"$ref\":\"#/components/parameters/datetime\"}",
                           "{\"name\":\"bbox-crs\",\"in\":\"query\",\"schema\":{\"type\":\"string\",\"enum\":[\"\(OGCRoutes.crs84)\"]}}",
                           "{\"name\":\"next\",\"in\":\"query\",\"schema\":{\"type\":\"string\"},\"description\":\"Opaque token of the next page (follow the next link).\"}",
                           "{\"$ref\":\"#/components/parameters/f\"}"] + filters
        let problem = "{\"description\":\"A problem (RFC 9457)\",\"content\":{\"application/problem+json\":{\"schema\":{\"type\":\"object\"}}}}"
        func get(_ summary: String, _ params: [String], _ type: String, secured: Bool) -> String {
            "{\"get\":{\"summary\":\(JSONText.string(summary)),\"parameters\":[\(params.joined(separator: ","))],"
                + (secured ? "" : "\"security\":[],")
                + "\"responses\":{\"200\":{\"description\":\"OK\",\"content\":{\"\(type)\":{\"schema\":{\"type\":\"object\"}},\"text/html\":{\"schema\":{\"type\":\"string\"}}}},"
                + "\"400\":{\"$ref\":\"#/components/responses/Problem\"},\"401\":{\"$ref\":\"#/components/responses/Problem\"},"
                + "\"403\":{\"$ref\":\"#/components/responses/Problem\"},\"404\":{\"$ref\":\"#/components/responses/Problem\"}}}}"
        }
        let f = "{\"$ref\":\"#/components/parameters/f\"}", cid = "{\"$ref\":\"#/components/parameters/collectionId\"}"
        let fid = "{\"name\":\"featureId\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}"
        let items = [
            "\"/\":" + get("Landing page", [f], "application/json", secured: false),
            "\"/conformance\":" + get("Conformance classes", [f], "application/json", secured: false),
            "\"/api\":" + get("This document", [], "application/vnd.oai.openapi+json;version=3.0", secured: false),
            "\"/collections\":" + get("The collections", [f], "application/json", secured: true),
            "\"/collections/{collectionId}\":" + get("One collection", [cid, f], "application/json", secured: true),
            "\"/collections/{collectionId}/items\":" + get("A page of features", itemsParams, "application/geo+json", secured: true),
            "\"/collections/{collectionId}/items/{featureId}\":" + get("One feature", [cid, fid, f], "application/geo+json", secured: true),
        ]
        let ids = FeatureCollectionID.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ",")
        return """
            {"openapi":"3.0.3",
             "info":{"title":"eplan OGC API – Features","version":"1.0","description":"Boundaries and project pins. Thai unless Accept-Language: en or lang=en."},
             "servers":[{"url":\(JSONText.string(server))}],
             "security":[{"basic":[]},{"bearer":[]}],
             "components":{
              "securitySchemes":{"basic":{"type":"http","scheme":"basic"},"bearer":{"type":"http","scheme":"bearer"}},
              "parameters":{
               "collectionId":{"name":"collectionId","in":"path","required":true,"schema":{"type":"string","enum":[\(ids)]}},
               "limit":{"name":"limit","in":"query","required":false,"style":"form","explode":false,
                "description":"Features per page: default \(FeatureItemsQuery.defaultLimit), at most \(FeatureItemsQuery.maximumLimit) (larger values are clamped).",
                "schema":{"type":"integer","minimum":1,"maximum":\(FeatureItemsQuery.maximumLimit),"default":\(FeatureItemsQuery.defaultLimit)}},
               "bbox":{"name":"bbox","in":"query","required":false,"style":"form","explode":false,
                "schema":{"type":"array","minItems":4,"maxItems":6,"items":{"type":"number"}}},
               "datetime":{"name":"datetime","in":"query","required":false,"style":"form","explode":false,"schema":{"type":"string"},
                "description":"On pinned_at: an instant or an interval start/end with .. for an open end."},
               "f":{"name":"f","in":"query","required":false,"schema":{"type":"string","enum":["json","html"]}}},
              "responses":{"Problem":\(problem)}},
             "paths":{
              \(items.joined(separator: ",\n  "))
             }}
            """
    }
}

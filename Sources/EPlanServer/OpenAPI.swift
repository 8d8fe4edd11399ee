/// The OpenAPI 3 description of exactly the routes `EPlanRoutes.router` builds (a test
/// compares the two). Served at `GET /api/v1/openapi.json`.
public enum OpenAPIDocument {
    public static let json = #"""
    {"openapi":"3.0.3",
     "info":{"title":"eplan service","version":"1","description":"Pins of e-Plan projects, checked against the LAO's area. Errors are RFC 9457 application/problem+json, Thai unless Accept-Language: en."},
     "components":{
      "securitySchemes":{
       "session":{"type":"apiKey","in":"cookie","name":"eplan_session","description":"From POST /api/v1/login; writes must also send X-CSRF-Token."},
       "bearer":{"type":"http","scheme":"bearer","description":"A token from `eplan tokens create NAME`."},
       "basic":{"type":"http","scheme":"basic"}},
      "schemas":{
       "Problem":{"type":"object","properties":{"type":{"type":"string"},"title":{"type":"string"},"status":{"type":"integer"},"detail":{"type":"string"},"field":{"type":"string"}}},
       "PinBody":{"type":"object","description":"Exactly one of location, locations, polygon, wkt, geojson.","properties":{
        "location":{"type":"string","example":"16.92, 99.21"},
        "locations":{"type":"array","items":{"type":"string"},"description":"a line"},
        "polygon":{"type":"array","items":{"type":"string"},"description":"the ring is closed for you"},
        "wkt":{"type":"string"},"geojson":{"oneOf":[{"type":"object"},{"type":"string"}]},
        "crs":{"type":"string","example":"EPSG:24047"},"lon_first":{"type":"boolean"},
        "dry_run":{"type":"boolean"},"force":{"type":"boolean"},"tolerance_m":{"type":"number"}}}},
      "responses":{"Problem":{"description":"A problem","content":{"application/problem+json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}}},
     "security":[{"session":[]},{"bearer":[]},{"basic":[]}],
     "paths":{
      \#(OpenAPIRoutes.paths)
      "/api/v1/openapi.json":{"get":{"summary":"This document","security":[],"responses":{"200":{"description":"OpenAPI 3"}}}},
      "/":{"get":{"summary":"The map page (HTML; logs in, then shows the account's LAO)","security":[],"responses":{"200":{"description":"text/html"}}}},
      "/login":{"get":{"summary":"The map page, at its login form","security":[],"responses":{"200":{"description":"text/html"}}}},
      "/static/map.js":{"get":{"summary":"The map page's script","security":[],"responses":{"200":{"description":"application/javascript"}}}},
      "/static/map.css":{"get":{"summary":"The map page's style","security":[],"responses":{"200":{"description":"text/css"}}}},
      "/static/leaflet/{file}":{"get":{"summary":"leaflet.js or leaflet.css from Debian's libjs-leaflet","security":[],
        "parameters":[{"name":"file","in":"path","required":true,"schema":{"type":"string","enum":["leaflet.js","leaflet.css"]}}],
        "responses":{"200":{"description":"The file"},"404":{"$ref":"#/components/responses/Problem"}}}},
      "/static/leaflet/images/{file}":{"get":{"summary":"Leaflet's images from Debian's libjs-leaflet","security":[],
        "parameters":[{"name":"file","in":"path","required":true,"schema":{"type":"string"}}],
        "responses":{"200":{"description":"image/png"},"404":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/map":{"get":{"summary":"The map page's data: the LAO's jurisdiction and tambons, its projects (GeoJSON, null geometry when unpinned) with stage and budget attributes",
        "parameters":[{"name":"lao","in":"query","description":"Another LAO (provincial office: of its province; admin: any)","schema":{"type":"string"}}],
        "responses":{"200":{"description":"{lao, may_pin, jurisdiction, tambons, projects, unpinned, stages, laos}"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"},"404":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/login":{"post":{"summary":"Log in: a session cookie and its CSRF token","security":[],
        "requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["name","password"],"properties":{"name":{"type":"string"},"password":{"type":"string"}}}}}},
        "responses":{"200":{"description":"Logged in; Set-Cookie eplan_session, body with csrf_token"},"400":{"$ref":"#/components/responses/Problem"},"401":{"$ref":"#/components/responses/Problem"},"429":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/logout":{"post":{"summary":"End the cookie session (send X-CSRF-Token)",
        "responses":{"204":{"description":"Logged out; the cookie is cleared"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/where":{"get":{"summary":"Which province, amphoe and tambon a coordinate lies in",
        "parameters":[{"name":"at","in":"query","required":true,"schema":{"type":"string"}},{"name":"crs","in":"query","schema":{"type":"string"}},{"name":"lon_first","in":"query","schema":{"type":"boolean"}}],
        "responses":{"200":{"description":"The place (as `eplan where --format json`)"},"400":{"$ref":"#/components/responses/Problem"},"401":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/projects/{code}/pins":{
       "parameters":[{"name":"code","in":"path","required":true,"schema":{"type":"string"}}],
       "post":{"summary":"Pin a project (a new version), checked against its LAO's area",
        "requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/PinBody"}}}},
        "responses":{"201":{"description":"Stored (as `eplan pin --format json`)"},"200":{"description":"Dry run: accepted, nothing stored"},
         "400":{"$ref":"#/components/responses/Problem"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"},
         "404":{"$ref":"#/components/responses/Problem"},"413":{"$ref":"#/components/responses/Problem"},"422":{"$ref":"#/components/responses/Problem"}}},
       "get":{"summary":"Every version of the project's pin, oldest first",
        "responses":{"200":{"description":"As `eplan pins history --format json`"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"},"404":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/export":{"get":{"summary":"Projects with their current pins, as `eplan export` (limited to the account's LAO or province)",
        "parameters":[{"name":"format","in":"query","schema":{"type":"string","enum":["geojson","geojsonseq","csv"]}},
         {"name":"province","in":"query","schema":{"type":"string"}},{"name":"amphoe","in":"query","schema":{"type":"string"}},
         {"name":"lao","in":"query","schema":{"type":"string"}},{"name":"year","in":"query","schema":{"type":"string"}},
         {"name":"stage","in":"query","schema":{"type":"string"}},{"name":"funding","in":"query","schema":{"type":"string"}},
         {"name":"bbox","in":"query","schema":{"type":"string"}},{"name":"include_unpinned","in":"query","schema":{"type":"boolean"}}],
        "responses":{"200":{"description":"GeoJSON, GeoJSON text sequence or CSV"},"400":{"$ref":"#/components/responses/Problem"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/reports/status":{"get":{"summary":"The provincial status report (province and admin roles)",
        "parameters":[{"name":"province","in":"query","required":true,"schema":{"type":"string"}},{"name":"year","in":"query","required":true,"schema":{"type":"string"}},
         {"name":"as_of","in":"query","schema":{"type":"string"}},{"name":"format","in":"query","schema":{"type":"string","enum":["csv","html","text"]}}],
        "responses":{"200":{"description":"The report"},"400":{"$ref":"#/components/responses/Problem"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"}}}}
     }}
    """#
}

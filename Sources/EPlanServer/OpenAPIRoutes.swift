/// The OpenAPI path items of the project, pin-listing, audit and import routes
/// (ProjectRoutes, AuditRoutes, ImportRoutes), spliced into `OpenAPIDocument.json`.
enum OpenAPIRoutes {
    static let filters = #"""
    {"name":"province","in":"query","schema":{"type":"string"},"description":"code or name"},{"name":"amphoe","in":"query","schema":{"type":"string"}},
    {"name":"lao","in":"query","schema":{"type":"string"}},{"name":"year","in":"query","schema":{"type":"string"},"description":"plan year, Buddhist era"},
    {"name":"stage","in":"query","schema":{"type":"string"}},{"name":"funding","in":"query","schema":{"type":"string"}},
    {"name":"kind","in":"query","schema":{"type":"string","enum":["road","building","water","other"]}},
    {"name":"bbox","in":"query","schema":{"type":"string"},"description":"minLon,minLat,maxLon,maxLat"}
    """#

    static let problems = ##""400":{"$ref":"#/components/responses/Problem"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"}"##

    static let stageFields = #"""
    {"type":"object","description":"The fields of `eplan projects update`: each a text as the CLI takes it (BE or CE dates, Thai digits), a number, or null to clear. Finance staff: budget_approved, contract_signed, contract_amount, disbursed, disbursed_on; planning staff: plan_approved, progress, completed; both of the project's LAO only.",
     "properties":{"plan_approved":{"type":"string"},"budget_approved":{"type":"string"},"contract_signed":{"type":"string"},
      "contract_amount":{"oneOf":[{"type":"string"},{"type":"number"}]},"disbursed":{"oneOf":[{"type":"string"},{"type":"number"}]},
      "disbursed_on":{"type":"string"},"progress":{"oneOf":[{"type":"string"},{"type":"number"}]},"completed":{"type":"string"}}}
    """#

    static let paths = #"""
      "/api/v1/projects":{"get":{"summary":"Projects, as `eplan projects list --format json`, within the account's LAO (LAO staff), province (provincial office) or all (admin)",
        "parameters":[\#(filters)],
        "responses":{"200":{"description":"A JSON array of projects"},\#(problems)}}},
      "/api/v1/projects/{code}":{
       "parameters":[{"name":"code","in":"path","required":true,"schema":{"type":"string"}}],
       "get":{"summary":"One project with its stage log, as `eplan projects show --format json`",
        "responses":{"200":{"description":"The project"},\#(problems),"404":{"$ref":"#/components/responses/Problem"}}},
       "patch":{"summary":"Update stages, contract and disbursement, as `eplan projects update` (the account is who changes it)",
        "requestBody":{"required":true,"content":{"application/json":{"schema":\#(stageFields)}}},
        "responses":{"200":{"description":"The changes logged, warnings and the project"},\#(problems),"404":{"$ref":"#/components/responses/Problem"},"413":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/pins":{"get":{"summary":"Current pins, as `eplan pins list --format json`, within the account's scope",
        "parameters":[\#(filters),{"name":"status","in":"query","schema":{"type":"string","enum":["valid","warning","outside"]}},
         {"name":"unpinned","in":"query","schema":{"type":"boolean"},"description":"the projects with no pin instead"}],
        "responses":{"200":{"description":"A JSON array of {project, pin}"},\#(problems)}}},
      "/api/v1/audits/pins":{"get":{"summary":"Audit the current pins, as `eplan audit pins` (provincial office of its province, admins)",
        "parameters":[{"name":"province","in":"query","schema":{"type":"string"},"description":"default: the provincial account's own"},
         {"name":"lao","in":"query","schema":{"type":"string"}},{"name":"year","in":"query","schema":{"type":"string"}},
         {"name":"stack_min","in":"query","schema":{"type":"integer"}},{"name":"stack_radius_m","in":"query","schema":{"type":"number"}},
         {"name":"centroid_radius_m","in":"query","schema":{"type":"number"}},{"name":"road_min_m","in":"query","schema":{"type":"number"}},
         {"name":"tolerance_m","in":"query","schema":{"type":"number"}},{"name":"completeness","in":"query","schema":{"type":"boolean"}},
         {"name":"format","in":"query","schema":{"type":"string","enum":["json","geojson"]}}],
        "responses":{"200":{"description":"The findings (as `eplan audit pins --format json|geojson`)"},\#(problems)}}},
      "/api/v1/audits/boundaries":{"get":{"summary":"Audit the boundaries, as `eplan audit boundaries` (provincial office of its province, admins)",
        "parameters":[{"name":"level","in":"query","schema":{"type":"string","enum":["province","amphoe","tambon","all"]}},
         {"name":"province","in":"query","schema":{"type":"string"}},{"name":"min_area_m2","in":"query","schema":{"type":"number"}},
         {"name":"format","in":"query","schema":{"type":"string","enum":["json","geojson"]}}],
        "responses":{"200":{"description":"The findings"},\#(problems)}}},
      "/api/v1/projects/import":{"post":{"summary":"Import a development-plan CSV, all or nothing, as `eplan projects import` (planning staff: their LAO's rows only; admins: any). At most 50 MiB.",
        "parameters":[{"name":"replace","in":"query","schema":{"type":"boolean"}}],
        "requestBody":{"required":true,"content":{"text/csv":{"schema":{"type":"string"}}}},
        "responses":{"201":{"description":"Imported: lines, inserted, replaced, warnings"},\#(problems),"413":{"$ref":"#/components/responses/Problem"}}}},
      "/api/v1/pins/import":{"post":{"summary":"Pins in bulk from one field file, as `eplan pins import` (the account pins: its LAO's projects only). At most 50 MiB.",
        "parameters":[{"name":"format","in":"query","schema":{"type":"string","enum":["gpx","kml","kmz","csv","geojson","json","jpg","jpeg"]},"description":"else by filename's extension or the Content-Type"},
         {"name":"filename","in":"query","schema":{"type":"string"},"description":"kept in the pins' history"},
         {"name":"match","in":"query","schema":{"type":"string","enum":["code","name"]}},{"name":"dry_run","in":"query","schema":{"type":"boolean"}},
         {"name":"skip_bad","in":"query","schema":{"type":"boolean"}},{"name":"tolerance_m","in":"query","schema":{"type":"number"}},
         {"name":"crs","in":"query","schema":{"type":"string"}},{"name":"lon_first","in":"query","schema":{"type":"boolean"}}],
        "requestBody":{"required":true,"content":{"application/octet-stream":{"schema":{"type":"string","format":"binary"}}}},
        "responses":{"201":{"description":"Stored; the report of every item"},"200":{"description":"Dry run (or nothing to store): the report"},
         \#(problems),"413":{"$ref":"#/components/responses/Problem"},"422":{"$ref":"#/components/responses/Problem"}}}},
    """#
}

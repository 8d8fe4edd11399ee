import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain

/// The application layer called directly, without the command line: what the HTTP service
/// will call. Same store fixtures as the CLI tests, same answers.
final class UseCaseTests: CLITestCase {
    let insideNamRuem = "16.9199105, 99.2177229"
    let engineer = RequestContext(actor: Actor(name: "somchai", role: .engineer, laoCode: "06630108"), language: .th)
    let local = RequestContext(actor: Actor(name: "cli", role: .local), language: .en)

    func pin(_ db: String, _ request: PinRequest, as context: RequestContext? = nil) throws -> PinResult {
        try PinProject(store: try openStore(db), context: context ?? local).run(request)
    }

    func versions(_ db: String, _ code: String) throws -> [Int] {
        try openStore(db, readOnly: true).pinHistory(projectCode: code).map(\.version)
    }

    func appError(_ body: () throws -> Void) -> AppError? {
        do { try body(); return nil } catch { return error as? AppError }
    }

    func testPinInsideIsStoredWithTheActorsName() throws {
        let db = try pinFixture()
        let r = try pin(db, PinRequest(projectCode: "P1", location: .typed([insideNamRuem])), as: engineer)
        XCTAssertEqual(r.verdict.outcome, .accepted)
        XCTAssertEqual(r.stored?.version, 1)
        XCTAssertEqual(r.stored?.pinnedBy, "somchai")
        XCTAssertFalse(r.isRefusal)
        XCTAssertEqual(r.verdict.found?.tambon?.code, "630108")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.json(.en).utf8)) as? [String: Any])
        XCTAssertEqual(json["stored"] as? Bool, true)
        XCTAssertEqual(json["version"] as? Int, 1)
    }

    func testPinRefusedOutsideStoresNothingAndNamesWhereItLies() throws {
        let db = try pinFixture()
        let r = try pin(db, PinRequest(projectCode: "P1", location: .typed(["16.726455, 98.578715"])))
        XCTAssertTrue(r.isRefusal)
        XCTAssertNil(r.stored)
        XCTAssertGreaterThan(r.verdict.distanceOutsideM, 1000)
        XCTAssertEqual(r.verdict.found?.tambon?.code, "630601", "Mae Sot")
        XCTAssertEqual(try versions(db, "P1"), [])
    }

    func testSwappedLatLonIsBadInputWithTheHint() throws {
        let db = try pinFixture()
        let e = appError { _ = try pin(db, PinRequest(projectCode: "P1", location: .typed(["99.2177229, 16.9199105"]))) }
        XCTAssertEqual(e?.kind, .badInput)
        XCTAssertTrue(e?.message.en.contains("did you mean 16.9199105, 99.2177229?") == true, "\(String(describing: e))")
        XCTAssertEqual(try versions(db, "P1"), [])
    }

    func testWrongUTMZoneIsRefusedWithTheZoneHint() throws {
        let db = try pinFixture()
        let r = try pin(db, PinRequest(projectCode: "P1", location: .typed(["48N 523185 1870708"])))
        XCTAssertTrue(r.isRefusal)
        XCTAssertTrue(r.verdict.messages.contains { $0.en.contains("'47N 523185 1870708'") }, "\(r.verdict.messages)")
        XCTAssertEqual(try versions(db, "P1"), [])
    }

    func testDryRunChecksButStoresNothing() throws {
        let db = try pinFixture()
        let r = try pin(db, PinRequest(projectCode: "P1", location: .typed([insideNamRuem]), dryRun: true))
        XCTAssertEqual(r.verdict.outcome, .accepted)
        XCTAssertNil(r.stored)
        XCTAssertFalse(r.isRefusal)
        XCTAssertEqual(try versions(db, "P1"), [])
    }

    func testForceStoresARefusedPinForReviewButNeverForAnEngineer() throws {
        let db = try pinFixture()
        let outside = PinRequest(projectCode: "P1", location: .typed(["16.726455, 98.578715"]), force: true)
        let forbidden = appError { _ = try pin(db, outside, as: engineer) }
        XCTAssertEqual(forbidden?.kind, .forbidden, "only the provincial office (or the file's holder) forces")
        XCTAssertEqual(try versions(db, "P1"), [])
        let r = try pin(db, outside)
        XCTAssertEqual(r.stored?.status, .outside)
        XCTAssertFalse(r.isRefusal)
        XCTAssertEqual(try versions(db, "P1"), [1])
    }

    func testAnEngineerPinsOnlyTheirOwnLAOsProjects() throws {
        let db = try pinFixture()
        let e = appError { _ = try pin(db, PinRequest(projectCode: "W1", location: .typed(["16.726455, 98.578715"])), as: engineer) }
        XCTAssertEqual(e?.kind, .forbidden)
        XCTAssertEqual(try versions(db, "W1"), [])
    }

    func testUnknownProjectIsNotFoundAndBadToleranceIsBadInput() throws {
        let db = try pinFixture()
        XCTAssertEqual(appError { _ = try pin(db, PinRequest(projectCode: "NOPE", location: .typed([insideNamRuem]))) }?.kind, .notFound)
        let t = appError { _ = try ToleranceMetres.parse("-3", field: "tolerance_m") }
        XCTAssertEqual(t?.kind, .badInput)
        XCTAssertEqual(t?.field, "tolerance_m")
        XCTAssertEqual(appError { _ = try Actor.local("  ") }?.field, "--by")
    }

    func testWhereAnswersInsideAndNearest() throws {
        let db = try pinFixture()
        let inside = try LocatePlace(store: try openStore(db, readOnly: true)).run(WhereRequest(coordinate: "47N 453809 1848266"))
        XCTAssertTrue(inside.answer.isInside)
        XCTAssertEqual(inside.answer.tambon?.code, "630601")
        let outside = try LocatePlace(store: try openStore(db, readOnly: true)).run(WhereRequest(coordinate: "13.75, 100.5"))
        XCTAssertFalse(outside.answer.isInside)
        XCTAssertNotNil(outside.answer.nearest)
        XCTAssertEqual(appError { _ = try LocatePlace(store: try openStore(db, readOnly: true)).run(WhereRequest(coordinate: "nonsense")) }?.kind, .badInput)
    }

    func testPlanYearIsOneRuleEverywhere() {
        XCTAssertEqual(try PlanYear.be("๒๕๖๐", field: "--year"), 2560)
        XCTAssertEqual(try PlanYear.be("พ.ศ. 2561", field: "year"), 2561)
        XCTAssertThrowsError(try PlanYear.be("2017", field: "--year")) { e in
            XCTAssertEqual((e as? PlanYearError)?.likelyBE, 2560)
            XCTAssertTrue((e as? PlanYearError)?.message.en.contains("did you mean 2560?") == true)
            XCTAssertEqual(AppError.classify(e).field, "--year")
        }
        XCTAssertEqual(try PlanYear.beRange("2560-2562", field: "--years"), 2560...2562)
        XCTAssertThrowsError(try PlanYear.beRange("2562-2560", field: "--years"))
        XCTAssertThrowsError(try PlanYear.beRange("2017-2019", field: "--years"))
    }

    func testExportFiltersThroughTheUseCase() throws {
        let db = try pinFixture()
        _ = try pin(db, PinRequest(projectCode: "P1", location: .typed([insideNamRuem])))
        _ = try pin(db, PinRequest(projectCode: "W1", location: .typed(["16.726455, 98.578715"])))
        for lao in ["06630108", "03630601"] { try openStore(db).addDevPlan(laoCode: lao, firstYear: 2566, lastYear: 2570, approvedOn: nil) }
        func codes(_ filter: ProjectQuery) throws -> [String] {
            let out = path("uc-\(UUID().uuidString).geojson")
            _ = try ExportProjects(store: try openStore(db, readOnly: true)).run(ExportRequest(query: filter, outputPath: out))
            let fc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
            return (fc["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }.sorted()
        }
        XCTAssertEqual(try codes(ProjectQuery()), ["P1", "W1"])
        XCTAssertEqual(try codes(ProjectQuery(amphoe: "6306")), ["W1"])
        XCTAssertEqual(try codes(ProjectQuery(lao: "06630108")), ["P1"])
        XCTAssertEqual(try codes(ProjectQuery(year: 2569)), ["W1"])
        XCTAssertEqual(try codes(ProjectQuery(bbox: Envelope(minX: 99.2, minY: 16.9, maxX: 99.3, maxY: 17.0))), ["P1"])
        XCTAssertEqual(try codes(ProjectQuery(includeUnpinned: true)), ["P1", "R1", "W1"])
        let unknown = appError { _ = try codes(ProjectQuery(province: "99")) }
        XCTAssertEqual(unknown?.kind, .badInput)
        XCTAssertTrue(unknown?.message.en.contains("99") == true)
    }

    func testStatusReportThroughTheUseCaseReproducesTheSeedTotals() throws {
        let db = try initStore(plan: true)
        let report = try MakeStatusReport(store: try openStore(db, readOnly: true))
            .run(StatusReportRequest(provinceCode: "๖๓", year: 2560, asOf: try StatusReportRequest.asOfDate("03/10/2559", field: "as_of")))
        XCTAssertEqual(report.rows.count, 69)
        let csv = MakeStatusReport.render(report, as: .csv, .th)
        XCTAssertTrue(csv.contains("9,905") || csv.contains("9905"), csv.suffix(400).description)
        let text = MakeStatusReport.render(report, as: .text, .th)
        XCTAssertTrue(text.contains("รวม 69 อปท."), text.suffix(400).description)
        XCTAssertEqual(appError { _ = try StatusReportRequest.asOfDate("31/02/2559", field: "as_of") }?.field, "as_of")
        let unknown = appError { _ = try MakeStatusReport(store: try openStore(db, readOnly: true)).run(StatusReportRequest(provinceCode: "99", year: 2560)) }
        XCTAssertEqual(unknown?.kind, .badInput)
    }
}

/// Who may write what, at the use-case level (the service's authorisation rests on this):
/// each refusal is `forbidden` and writes nothing.
final class UseCaseRightsTests: CLITestCase {
    func context(_ role: Actor.Role, lao: String? = nil, province: String? = nil) -> RequestContext {
        RequestContext(actor: Actor(name: "u-\(role.rawValue)", role: role, laoCode: lao, provinceCode: province), language: .en)
    }

    func kind(_ body: () throws -> Void) -> FailureKind? {
        do { try body(); return nil } catch { return (error as? AppError)?.kind }
    }

    func testStageUpdatesByTheLAOsOwnFinanceOrPlanningStaffOnly() throws {
        let db = try pinFixture()
        let input = ProjectStageInput(contractAmount: "950000")
        func update(_ c: RequestContext) throws { _ = try UpdateProjectStages(store: try openStore(db), context: c).run(code: "P1", input) }
        XCTAssertEqual(kind { try update(context(.finance, lao: "03630601")) }, .forbidden, "another LAO's finance staff")
        XCTAssertEqual(kind { try update(context(.engineer, lao: "06630108")) }, .forbidden, "an engineer pins, does not budget")
        XCTAssertEqual(kind { try update(context(.province, province: "63")) }, .forbidden, "the province reads and audits")
        XCTAssertNil(try openStore(db, readOnly: true).project(code: "P1")?.contractAmount, "nothing written by a refusal")
        XCTAssertNil(kind { try update(context(.finance, lao: "06630108")) })
        XCTAssertEqual(try openStore(db, readOnly: true).project(code: "P1")?.contractAmount, 950_000)
        XCTAssertEqual(try openStore(db, readOnly: true).stageLog(code: "P1").last?.changedBy, "u-finance")
        XCTAssertEqual(kind { _ = try UpdateProjectStages(store: try openStore(db), context: self.context(.local)).run(code: "P1", ProjectStageInput()) },
                       .badInput, "nothing to update")
    }

    func testPlansAndImportsByTheLAOsPlannerOnly() throws {
        let db = try initStore()
        let plans = { (c: RequestContext) in DevelopmentPlans(store: try self.openStore(db), context: c) }
        XCTAssertEqual(kind { _ = try plans(self.context(.planner, lao: "05630606")).add(laoCode: "06630606", years: 2560...2562, approvedOn: nil) },
                       .forbidden)
        XCTAssertEqual(kind { _ = try plans(self.context(.finance, lao: "06630606")).add(laoCode: "06630606", years: 2560...2562, approvedOn: nil) },
                       .forbidden)
        XCTAssertNil(kind { _ = try plans(self.context(.planner, lao: "06630606")).add(laoCode: "06630606", years: 2566...2568, approvedOn: nil) })
        let csv = path("plan.csv")
        try "code,lao_code,plan_year,name,kind,budget\nX1,06630606,2566,ถนน,road,1000\nX2,06630108,2560,ถนน,road,1000\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let importAs = { (c: RequestContext) in try ImportProjects(store: try self.openStore(db), context: c).run(ImportProjects.Request(path: csv)) }
        XCTAssertEqual(kind { _ = try importAs(self.context(.planner, lao: "06630606")) }, .forbidden, "row 2 is another LAO's")
        XCTAssertNil(try openStore(db, readOnly: true).project(code: "X1"), "nothing written by a refusal")
    }

    func testTheLAORegistryIsChangedByAdminsAndTheFileHolderOnly() throws {
        let db = try initStore()
        let registry = { (c: RequestContext) in LAORegistry(store: try self.openStore(db), context: c) }
        let file = Self.takDir + "/tak-laos.csv"
        XCTAssertEqual(kind { _ = try registry(self.context(.province, province: "63")).importFile(file, replace: true) }, .forbidden)
        XCTAssertEqual(kind { _ = try registry(self.context(.engineer, lao: "06630108")).setFacts("06630108", LAOFacts(vision: true)) }, .forbidden)
        XCTAssertEqual(kind { _ = try registry(self.context(.local)).show("99999999") }, .notFound)
        XCTAssertEqual(try registry(context(.local)).show("๐๖๖๓๐๑๐๘").record.code, "06630108", "Thai digits read as one code")
    }

    func testSettingsAreReadAndWrittenInOneCanonicalForm() throws {
        let db = try initStore()
        let settings = StoreSettings(store: try openStore(db))
        XCTAssertEqual(try settings.set("pin.tolerance_m", "๕๐"), "50")
        XCTAssertEqual(try settings.get("pin.tolerance_m"), "50")
        XCTAssertEqual(kind { _ = try settings.set("pin.tolerance_m", "far") }, .badInput)
        XCTAssertEqual(kind { _ = try settings.get("nope") }, .badInput)
    }
}

extension UseCaseTests {
    /// The pin JSON as it was written before it went into one byte buffer (fields as strings,
    /// joined): the reference the buffer's text must equal byte for byte.
    private func joinedJSON(_ r: PinResult, _ language: Language) -> String {
        func unit(_ u: AdminUnit?) -> String {
            guard let u else { return "null" }
            return "{\"code\":\(JSONText.string(u.code)),\"name_th\":\(JSONText.string(u.nameTH)),\"name_en\":\(JSONText.string(u.nameEN))}"
        }
        var found = "null"
        if let f = r.verdict.found {
            let lao = f.lao.map { "{\"code\":\(JSONText.string($0.code)),\"name_th\":\(JSONText.string($0.displayTH)),\"name_en\":\(JSONText.string($0.displayEN))}" } ?? "null"
            found = "{\"lao\":\(lao),\"tambon\":\(unit(f.tambon)),\"amphoe\":\(unit(f.amphoe))}"
        }
        return "{" + [
            "\"project\":\(JSONText.string(r.project.code))", "\"lao\":\(JSONText.string(r.verdict.lao.code))",
            "\"outcome\":\"\(r.verdict.outcome.rawValue)\"", "\"status\":\"\(r.verdict.status.rawValue)\"",
            "\"stored\":\(r.stored != nil)", "\"version\":\(r.stored.map { String($0.version) } ?? "null")",
            "\"geometry_type\":\"\(r.verdict.geometryType.rawValue)\"", "\"input\":\(JSONText.string(r.candidate.rawInput))",
            "\"input_crs\":\"EPSG:\(r.candidate.inputCRS.epsg)\"", "\"tolerance_m\":\(JSONText.number(r.verdict.toleranceM, decimals: 2))",
            "\"distance_outside_m\":\(JSONText.number(r.verdict.distanceOutsideM, decimals: 2))",
            "\"outside_fraction\":\(r.verdict.outsideFraction.map { JSONText.number($0, decimals: 6) } ?? "null")",
            "\"found\":\(found)", "\"messages\":[\(r.verdict.messages.map { JSONText.string($0.text(language)) }.joined(separator: ","))]",
            "\"geometry\":\(GeoJSONGeometry.encode(r.candidate.geometry))",
        ].joined(separator: ",") + "}"
    }

    /// Inside, refused outside (found elsewhere, measured), a road's line in UTM with a
    /// quote in its input, a dry run: the same text in both languages.
    func testPinJSONIsTheFieldsJoined() throws {
        let db = try pinFixture()
        let requests = [
            PinRequest(projectCode: "P1", location: .typed([insideNamRuem])),
            PinRequest(projectCode: "P1", location: .typed(["16.726455, 98.578715"])),
            PinRequest(projectCode: "R1", location: .typed(["47N 523000 1871000 \"", "47N 523400 1871300"]), dryRun: true),
            PinRequest(projectCode: "P1", location: .typed([insideNamRuem]), dryRun: true),
        ]
        var checked = 0
        for request in requests {
            guard let r = try? pin(db, request) else { continue }
            for language in [Language.th, .en] {
                XCTAssertEqual(r.json(language), joinedJSON(r, language))
                XCTAssertEqual(r.jsonBytes(language), Array(joinedJSON(r, language).utf8))
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 3)
    }
}

import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanServer

/// The map page: its data route scoped to the account, the page's security headers,
/// Leaflet from Debian's libjs-leaflet, and the page itself in headless Chromium.
final class MapPageTests: ServeTestCase {
    static let leafletDir = "/usr/share/javascript/leaflet"
    /// R1's line, inside Nam Ruem (tambon 630108).
    let roadInside = #"{"locations":["16.909475, 99.198056","16.912, 99.205"]}"#
    /// A project name with markup in it: the page must show it as text.
    let hostileName = #"ถนน <img src=x id=xss> & "q""#

    /// The pin fixture, R1 pinned through the API, and an engineer of Nam Ruem.
    func mapFixture() throws -> (db: String, server: Running) {
        let db = try pinFixture()
        let store = try openStore(db)
        var road = try XCTUnwrap(try store.project(code: "R1"))
        road.nameTH = hostileName; road.budget = 1_250_000; road.funding = .own
        try store.insertProjects([road], replace: true, by: "fixture")
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let server = try serve(db)
        let pinned = try http(server, "POST", "/api/v1/projects/R1/pins", body: roadInside, headers: [basic("somchai", password)])
        XCTAssertEqual(pinned.status, 201, pinned.body)
        return (db, server)
    }

    func testMapDataIsTheAccountsLAOWithPinsStagesAndUnpinned() throws {
        let (db, server) = try mapFixture()
        try addUser(db, "tak", ["--role", "province", "--province", "63"])
        try addUser(db, "cm", ["--role", "province", "--province", "50"])
        try addUser(db, "plan", ["--role", "planner", "--lao", "06630108"])
        let r = try http(server, "GET", "/api/v1/map", headers: [basic("somchai", password)])
        XCTAssertEqual(r.status, 200, r.body)
        XCTAssertEqual(r.headers["cache-control"], "no-store")
        let lao = try XCTUnwrap(r.json["lao"] as? [String: Any])
        XCTAssertEqual(lao["code"] as? String, "06630108")
        XCTAssertEqual(r.json["may_pin"] as? Bool, true)
        XCTAssertEqual((r.json["jurisdiction"] as? [String: Any])?["type"] as? String, "MultiPolygon")
        let tambons = try XCTUnwrap((r.json["tambons"] as? [String: Any])?["features"] as? [[String: Any]])
        XCTAssertEqual(tambons.compactMap { ($0["properties"] as? [String: Any])?["code"] as? String }, ["630108"])
        let features = try XCTUnwrap((r.json["projects"] as? [String: Any])?["features"] as? [[String: Any]])
        XCTAssertEqual(Set(features.compactMap { $0["id"] as? String }), ["P1", "R1"], "the LAO's projects only")
        let road = try XCTUnwrap(features.first { $0["id"] as? String == "R1" })
        let props = try XCTUnwrap(road["properties"] as? [String: Any])
        XCTAssertEqual(props["name_th"] as? String, hostileName, "JSON carries the name as it is; the page escapes it")
        XCTAssertEqual(props["budget"] as? Double, 1_250_000)
        XCTAssertEqual(props["funding"] as? String, "own")
        XCTAssertEqual(props["stage"] as? String, "planned")
        XCTAssertEqual(props["pin_status"] as? String, "valid")
        XCTAssertEqual((road["geometry"] as? [String: Any])?["type"] as? String, "LineString")
        XCTAssertTrue(features.first { $0["id"] as? String == "P1" }?["geometry"] is NSNull, "unpinned: null geometry")
        XCTAssertEqual(r.json["unpinned"] as? [String], ["P1"])
        XCTAssertEqual((r.json["stages"] as? [[String: Any]])?.compactMap { $0["code"] as? String }, ProjectStage.allCases.map(\.rawValue))

        // Scope: LAO staff their LAO; the provincial office any LAO of its province.
        assertProblem(try http(server, "GET", "/api/v1/map?lao=03630601", headers: [basic("somchai", password)]), 403, "forbidden", field: "lao")
        let planner = try http(server, "GET", "/api/v1/map", headers: [basic("plan", password)])
        XCTAssertEqual(planner.json["may_pin"] as? Bool, false, "planners do not pin")
        let province = try http(server, "GET", "/api/v1/map?lao=03630601", headers: [basic("tak", password)])
        XCTAssertEqual((province.json["lao"] as? [String: Any])?["code"] as? String, "03630601", province.body)
        let choices = (province.json["laos"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
        XCTAssertTrue(choices.contains("06630108") && choices.contains("03630601"), "the LAOs of Tak to choose from: \(choices)")
        assertProblem(try http(server, "GET", "/api/v1/map?lao=03630601", headers: [basic("cm", password)]), 403, "forbidden", field: "lao")
        assertProblem(try http(server, "GET", "/api/v1/map?lao=99999999", headers: [basic("tak", password)]), 404, "not-found", field: "lao")
        assertProblem(try http(server, "GET", "/api/v1/map"), 401, "unauthenticated")
    }

    /// The page needs no login to load (it holds no data) but says what it may load: self only.
    func testPageAndScriptAreServedWithAContentSecurityPolicy() throws {
        let server = try serve(try initStore())
        for path in ["/", "/login", "/static/map.js", "/static/map.css"] {
            let r = try http(server, "GET", path)
            XCTAssertEqual(r.status, 200, path)
            let csp = try XCTUnwrap(r.headers["content-security-policy"], path)
            XCTAssertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), csp)
            XCTAssertFalse(csp.contains("unsafe"), csp)
            XCTAssertEqual(r.headers["x-content-type-options"], "nosniff")
        }
        let page = try http(server, "GET", "/")
        XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertTrue(page.body.contains("<html lang=\"th\">") && page.body.contains("เข้าสู่ระบบ"), "Thai first")
        XCTAssertFalse(page.body.contains("<script>") || page.body.contains("style="), "no inline script or style")
        XCTAssertFalse(page.body.contains("http://") || page.body.contains("https://"), "nothing from the internet")
        let script = try http(server, "GET", "/static/map.js")
        XCTAssertFalse(script.body.contains("innerHTML"), "texts are placed with textContent, never as HTML")
        // Only Leaflet's own files are served, by name: never a path from the request.
        assertProblem(try http(server, "GET", "/static/leaflet/leaflet.js.map"), 404, "not-found")
        XCTAssertEqual(try http(server, "GET", "/static/leaflet/..%2F..%2F..%2F..%2Fetc%2Fpasswd").status, 404)
        XCTAssertEqual(try http(server, "GET", "/static/leaflet/images/..%2F..%2F..%2Fetc%2Fpasswd").status, 404)
    }

    func testLeafletFromTheInstalledPackageOrAClearMessage() throws {
        guard FileManager.default.fileExists(atPath: Self.leafletDir + "/leaflet.js") else {
            throw XCTSkip("libjs-leaflet is not installed (scripts/setup installs it): the served-file comparison is skipped")
        }
        let db = try initStore()
        let server = try serve(db)
        for file in ["leaflet.js", "leaflet.css", "images/marker-icon.png"] {
            let r = try http(server, "GET", "/static/leaflet/" + file)
            XCTAssertEqual(r.status, 200, file)
            let installed = try Data(contentsOf: URL(fileURLWithPath: Self.leafletDir + "/" + file))
            if !file.hasSuffix(".png") { XCTAssertEqual(Data(r.body.utf8), installed, file) }
        }
        XCTAssertEqual(try http(server, "GET", "/static/leaflet/leaflet.js").headers["content-type"], "application/javascript; charset=utf-8")

        // Without the package, the answer names it (and the page says so, see map.js).
        setenv("EPLAN_LEAFLET_DIR", path("no-leaflet"), 1)
        defer { unsetenv("EPLAN_LEAFLET_DIR") }
        let bare = try serve(db)
        let missing = try http(bare, "GET", "/static/leaflet/leaflet.js", headers: ["Accept-Language: en"])
        assertProblem(missing, 404, "not-found")
        XCTAssertTrue(missing.body.contains("apt install libjs-leaflet"), missing.body)
    }

    // MARK: The real browser

    /// Headless Chromium logs in, sees the pins, pins P1 by clicking inside Nam Ruem (the
    /// row is stored), is refused outside (shown, nothing stored), pins R1 as a line by two
    /// clicks, checks a typed UTM coordinate, and saves screenshots in
    /// .build/test-output/MapPageTests (EPLAN_TEST_OUTPUT overrides).
    func testMapPageInHeadlessChromium() throws {
        try requireBrowser()
        let (db, server) = try mapFixture()
        let out = Self.outputFolder()
        let script = Self.repoRoot.appendingPathComponent("Tests/browser/map_page.py").path
        let r = try run("python3", [script, "--base", server.base, "--user", "somchai", "--password", password, "--project", "P1",
                                    "--inside", insideNamRuem, "--line-project", "R1", "--line", "16.900, 99.190;16.905, 99.200",
                                    "--typed", "47N 523185 1870708", "--expect-pins", "1", "--out", out])
        XCTAssertEqual(r.status, 0, r.err)
        let last = r.out.split(separator: "\n").last.map(String.init) ?? ""
        print("map_page.py: " + last)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], r.out + r.err)
        XCTAssertEqual(report["lang"] as? String, "th")
        XCTAssertEqual(report["title"] as? String, "แผนที่โครงการ")
        XCTAssertEqual(report["pins_after_login"] as? Int, 1)
        XCTAssertEqual((report["unpinned_listed"] as? [String])?.count, 1)
        XCTAssertEqual(report["injected_element"] as? Bool, false, "a project name is text, not markup")
        XCTAssertTrue((report["options"] as? [String])?.contains { $0.contains("<img src=x id=xss>") } == true, "\(report["options"] ?? "")")
        XCTAssertTrue((report["popup"] as? String)?.contains("1,250,000") == true, "\(report["popup"] ?? "")")
        XCTAssertTrue((report["inside_verdict"] as? String)?.contains("อยู่ในพื้นที่") == true, "\(report["inside_verdict"] ?? "")")
        XCTAssertEqual(report["pins_after_save"] as? Int, 2)
        XCTAssertEqual(report["unpinned_after_save"] as? Int, 0)
        let refused = report["refused_verdict"] as? String ?? ""
        XCTAssertTrue(refused.contains("ไม่ผ่าน") && refused.contains("เมตร") && refused.contains("ตำบล"), refused)
        XCTAssertEqual(report["save_disabled_after_refusal"] as? Bool, true)
        XCTAssertEqual(report["line_mode"] as? String, "line", "a road is drawn as a line")
        XCTAssertTrue((report["line_after_one_click"] as? String)?.contains("อีก") == true, "\(report["line_after_one_click"] ?? "")")
        XCTAssertTrue((report["line_saved_verdict"] as? String)?.contains("R1") == true, "\(report["line_saved_verdict"] ?? "")")
        XCTAssertTrue((report["typed_verdict"] as? String)?.contains("อยู่ในพื้นที่") == true, "\(report["typed_verdict"] ?? "")")
        XCTAssertEqual(report["english_title"] as? String, "Project map")
        XCTAssertEqual(report["english_lang"] as? String, "en")
        XCTAssertEqual(report["console_errors"] as? [String], [], "no script error or CSP violation")

        // The store: P1 pinned once, inside, by the engineer; the refused point stored nothing.
        let history = try openStore(db, readOnly: true).pinHistory(projectCode: "P1")
        XCTAssertEqual(history.count, 1)
        XCTAssertEqual(history.first?.status, .valid)
        XCTAssertEqual(history.first?.pinnedBy, "somchai")
        let road = try openStore(db, readOnly: true).pinHistory(projectCode: "R1")
        XCTAssertEqual(road.count, 2, "the line drawn by clicks is R1's second version")
        XCTAssertEqual(road.last?.geometry.type, .lineString)
        XCTAssertEqual(try pinCount(db), 3, "the typed check and the refused point stored nothing")
        for shot in ["map-after-login.png", "map-popup.png", "map-refused.png", "map-english.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + shot), shot)
        }
    }

    /// Without libjs-leaflet on the server, the page says what to install.
    func testPageWithoutLeafletSaysSoInHeadlessChromium() throws {
        try requireBrowser()
        setenv("EPLAN_LEAFLET_DIR", path("no-leaflet"), 1)
        defer { unsetenv("EPLAN_LEAFLET_DIR") }
        let server = try serve(try initStore())
        let script = Self.repoRoot.appendingPathComponent("Tests/browser/map_page.py").path
        let r = try run("python3", [script, "--base", server.base, "--no-leaflet", "--out", Self.outputFolder()])
        XCTAssertEqual(r.status, 0, r.err)
        let last = r.out.split(separator: "\n").last.map(String.init) ?? ""
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], r.out + r.err)
        let notice = report["notice"] as? String ?? ""
        XCTAssertTrue(notice.contains("ไม่พบ Leaflet") && notice.contains("apt install libjs-leaflet"), notice)
    }

    /// Chromium, chromedriver and Selenium, or a skip that says what is missing.
    func requireBrowser() throws {
        let search = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for tool in ["chromium", "chromedriver"] where !search.contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }) {
            throw XCTSkip("\(tool) is not installed (apt install chromium chromium-driver; scripts/setup does): the browser test is skipped")
        }
        guard try run("python3", ["-c", "import selenium"]).status == 0 else {
            throw XCTSkip("Selenium is not installed for python3 (pip install selenium; scripts/setup does): the browser test is skipped")
        }
        guard FileManager.default.fileExists(atPath: Self.leafletDir + "/leaflet.js") else {
            throw XCTSkip("libjs-leaflet is not installed (scripts/setup installs it): the browser test is skipped")
        }
    }

    static func outputFolder() -> String {
        let base = ProcessInfo.processInfo.environment["EPLAN_TEST_OUTPUT"] ?? repoRoot.appendingPathComponent(".build/test-output").path
        return base + "/MapPageTests"
    }
}

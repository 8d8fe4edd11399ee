import XCTest
@testable import EPlanDomain

/// Where eplan finds its default data when nothing names it: an unpacked or relocated
/// package (`PREFIX/bin/eplan`) reads `PREFIX/share/eplan/geodata`, whatever the folder.
final class DefaultDataTests: XCTestCase {
    private var prefix: URL!
    private var savedGeodata: String?

    override func setUpWithError() throws {
        prefix = FileManager.default.temporaryDirectory.appendingPathComponent("eplan-prefix-\(UUID().uuidString)")
        let data = prefix.appendingPathComponent("share/eplan/geodata/tak")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: data.appendingPathComponent("tak-province.geojson").path, contents: Data()))
        savedGeodata = ProcessInfo.processInfo.environment["EPLAN_GEODATA"]
        unsetenv("EPLAN_GEODATA")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: prefix)
        if let savedGeodata { setenv("EPLAN_GEODATA", savedGeodata, 1) }
    }

    private var packagedData: String {
        prefix.resolvingSymlinksInPath().appendingPathComponent("share/eplan/geodata").standardizedFileURL.path
    }

    func testDataBesideTheBinaryOfAnUnpackedPackage() throws {
        let found = try DefaultData.locate(executable: prefix.appendingPathComponent("bin/eplan").path)
        XCTAssertEqual(found, packagedData)
    }

    func testALinkToTheBinaryFindsTheDataOfItsTarget() throws {
        let link = prefix.appendingPathComponent("eplan-link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: prefix.appendingPathComponent("bin/eplan").path)
        XCTAssertTrue(FileManager.default.createFile(atPath: prefix.appendingPathComponent("bin/eplan").path, contents: Data()))
        let found = try DefaultData.locate(executable: link)
        XCTAssertEqual(found, packagedData)
    }

    func testAnExplicitFolderStillComesFirst() throws {
        let other = prefix.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other.appendingPathComponent("tak"), withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: other.appendingPathComponent("tak/tak-province.geojson").path, contents: Data()))
        let found = try DefaultData.locate(explicit: other.path, executable: prefix.appendingPathComponent("bin/eplan").path)
        XCTAssertEqual(found, other.path)
    }
}

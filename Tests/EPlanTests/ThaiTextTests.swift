import XCTest
@testable import EPlanDomain

/// Thai numbers, money, plan years and dates as development-plan files carry them.
final class ThaiTextTests: XCTestCase {
    func testNumbersWithSeparatorsThaiDigitsAndBaht() {
        XCTAssertEqual(ThaiText.number("1,250,000.00 บาท"), 1_250_000)
        XCTAssertEqual(ThaiText.number("๑,๒๕๐,๐๐๐"), 1_250_000)
        XCTAssertEqual(ThaiText.number("๓,๕๐๐,๐๐๐ บาท"), 3_500_000)
        XCTAssertEqual(ThaiText.number("60%"), 60)
        XCTAssertNil(ThaiText.number("1,25,000"), "Indian grouping is not thousands separators")
        XCTAssertNil(ThaiText.number("หนึ่งล้าน"))
    }

    func testBahtFormatting() {
        XCTAssertEqual(ThaiText.baht(1_250_000), "1,250,000")
        XCTAssertEqual(ThaiText.baht(1_250_000.5), "1,250,000.50")
        XCTAssertEqual(ThaiText.baht(999), "999")
        XCTAssertEqual(ThaiText.baht(1000), "1,000")
        XCTAssertEqual(ThaiText.baht(0), "0")
        XCTAssertEqual(ThaiText.baht(-2500), "-2,500")
        XCTAssertEqual(ThaiText.grouped(123_456_789), "123,456,789")
        XCTAssertEqual(ThaiText.thaiDigits("2560"), "๒๕๖๐")
    }

    func testPlanYears() {
        XCTAssertEqual(PlanYear.parse("2560"), .year(2560))
        XCTAssertEqual(PlanYear.parse("๒๕๖๐"), .year(2560))
        XCTAssertEqual(PlanYear.parse("พ.ศ. 2561"), .year(2561))
        XCTAssertEqual(PlanYear.parse("2017"), .christianEra(2017))
        XCTAssertEqual(PlanYear.parse("60"), .invalid)
        XCTAssertEqual(PlanYear.parse("ปีหน้า"), .invalid)
        let (a, b) = PlanYear.parseRange("๒๕๖๐–๒๕๖๒")
        XCTAssertEqual(a, .year(2560)); XCTAssertEqual(b, .year(2562))
        let (c, d) = PlanYear.parseRange("2561")
        XCTAssertEqual(c, .year(2561)); XCTAssertEqual(d, .year(2561))
    }

    func testDatesBEAndCEAndThaiMonthNames() {
        XCTAssertEqual(CalendarDate.parse("03/10/2559")?.iso, "2016-10-03")
        XCTAssertEqual(CalendarDate.parse("3/10/2016")?.iso, "2016-10-03")
        XCTAssertEqual(CalendarDate.parse("2016-10-03")?.iso, "2016-10-03")
        XCTAssertEqual(CalendarDate.parse("๐๓/๑๐/๒๕๕๙")?.iso, "2016-10-03")
        XCTAssertEqual(CalendarDate.parseLenient("3 ต.ค. 2559")?.iso, "2016-10-03")
        XCTAssertEqual(CalendarDate.parseLenient("3 ตุลาคม พ.ศ. 2559")?.iso, "2016-10-03")
        XCTAssertEqual(CalendarDate.parseLenient("๒๘ ก.พ. ๒๕๖๐")?.iso, "2017-02-28")
        XCTAssertNil(CalendarDate.parseLenient("29 ก.พ. 2560"), "2017 is no leap year")
        XCTAssertNil(CalendarDate.parseLenient("3 ต.ค. 59"), "two-digit years are ambiguous")
        XCTAssertNil(CalendarDate.parseLenient("31/04/2560"))
        XCTAssertEqual(CalendarDate(iso: "2016-10-03")?.display(.th), "3 ต.ค. 2559")
        XCTAssertEqual(CalendarDate(iso: "2016-10-03")?.display(.en), "2016-10-03")
    }
}

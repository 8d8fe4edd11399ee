import XCTest
@testable import EPlanStore

/// The one set of project money and date rules (import, `projects update`, the store).
final class ProjectRulesTests: XCTestCase {
    func record(_ change: (inout ProjectRecord) -> Void) -> ProjectRecord {
        var r = ProjectRecord(code: "R", laoCode: "L", planYear: 2560, nameTH: "ถนน", kind: .road, budget: 1_000_000)
        change(&r)
        return r
    }

    func testMoneyRules() {
        let over = record { $0.contractAmount = 800_000; $0.disbursedAmount = 850_000 }
        XCTAssertTrue(over.disbursedExceedsContract)
        XCTAssertEqual(over.ruleFindings().filter(\.isError).map(\.column), ["disbursed_amount"])
        XCTAssertEqual(over.ruleFindings()[0].message.th, "เบิกจ่าย 850,000 บาท เกินวงเงินสัญญา 800,000 บาท")
        XCTAssertEqual(over.violations().count, 1, "the store refuses it too, by the same predicate")
        let contractOverBudget = record { $0.contractAmount = 1_200_000.5 }
        XCTAssertEqual(contractOverBudget.ruleFindings().map(\.isError), [false])
        XCTAssertTrue(contractOverBudget.ruleFindings()[0].message.en.contains("1,200,000.50"))
        XCTAssertEqual(record { $0.disbursedAmount = 1_500_000 }.ruleFindings().map(\.column), ["disbursed_amount"])
        XCTAssertEqual(record { _ in }.ruleFindings(), [])
    }

    func testDateRules() {
        let r = record {
            $0.planApprovedOn = "2016-06-30"; $0.budgetApprovedOn = "2016-06-01"
            $0.contractSignedOn = "2016-05-01"; $0.completedOn = "2016-04-01"; $0.progress = 80
        }
        XCTAssertEqual(Set(r.ruleFindings().map(\.column)), ["budget_approved_on", "contract_signed_on", "completed_on", "progress"])
        XCTAssertTrue(r.ruleFindings().allSatisfy { !$0.isError }, "order and progress only warn")
        XCTAssertTrue(r.ruleFindings().contains { $0.message.th == "ลงนามสัญญา (01/05/2559) ก่อนอนุมัติงบประมาณ (01/06/2559)" })
        let future = record { $0.recordedOn = "2099-01-01" }
        XCTAssertEqual(future.ruleFindings(today: "2026-11-30").map(\.column), ["recorded_on"])
        XCTAssertEqual(future.ruleFindings().count, 0, "no today, no future check")
    }
}

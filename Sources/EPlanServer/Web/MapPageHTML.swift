/// The map page's files, kept in the binary (the Debian package installs one binary and no
/// data directory for the service). Plain HTML, CSS and JavaScript: no build step, nothing
/// from the internet; Leaflet comes from Debian's libjs-leaflet (see `MapPage`).
enum MapPageAssets {
    /// The page: no data and no inline script or style (the Content-Security-Policy forbids
    /// both). Texts are Thai here; map.js sets them in the chosen language.
    static let html = ##"""
<!doctype html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>eplan – แผนที่โครงการ</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/leaflet/leaflet.css">
<link rel="stylesheet" href="/static/map.css">
</head>
<body>
<header>
  <h1 id="title" data-t="title">แผนที่โครงการ</h1>
  <span id="who"></span>
  <button type="button" id="lang">English</button>
  <button type="button" id="logout" data-t="logout" hidden>ออกจากระบบ</button>
</header>
<div id="notice" role="alert" hidden></div>
<section id="login" hidden>
  <form id="login-form">
    <h2 data-t="login">เข้าสู่ระบบ</h2>
    <label><span data-t="name">ชื่อบัญชี</span><input id="name" name="name" autocomplete="username" required></label>
    <label><span data-t="password">รหัสผ่าน</span><input id="password" name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit" id="login-submit" data-t="loginButton">เข้าสู่ระบบ</button>
    <p id="login-error" role="alert"></p>
  </form>
</section>
<main id="app" hidden>
  <div id="map"></div>
  <aside id="side">
    <h2 id="lao-name"></h2>
    <label id="lao-pick" hidden><span data-t="otherLAO">อปท. อื่น</span> <select id="lao-select"></select></label>
    <h3 data-t="legend">สถานะโครงการ</h3>
    <ul id="legend"></ul>
    <section id="pinning">
      <h3 data-t="pinTitle">ปักหมุดโครงการ</h3>
      <p id="no-pin" data-t="noPin" hidden>บัญชีนี้ปักหมุดโครงการของ อปท. นี้ไม่ได้</p>
      <div id="pin-tools">
        <label><span data-t="project">โครงการ</span> <select id="project"></select></label>
        <fieldset id="modes">
          <label><input type="radio" name="mode" value="point" checked> <span data-t="modePoint">จุด (อาคาร)</span></label>
          <label><input type="radio" name="mode" value="line"> <span data-t="modeLine">เส้น (ถนน)</span></label>
          <label><input type="radio" name="mode" value="area"> <span data-t="modeArea">พื้นที่</span></label>
        </fieldset>
        <p id="hint" data-t="hint">เลือกโครงการ แล้วคลิกบนแผนที่</p>
        <div id="verdict" aria-live="polite"></div>
        <div class="buttons">
          <button type="button" id="undo" data-t="undo">ย้อนจุดล่าสุด</button>
          <button type="button" id="clear" data-t="clear">ล้าง</button>
          <button type="button" id="save" data-t="save" disabled>บันทึก</button>
        </div>
        <label for="typed" data-t="typed">หรือพิมพ์พิกัด (บรรทัดละจุด รูปแบบใดก็ได้ที่คำสั่ง eplan อ่านได้)</label>
        <textarea id="typed" rows="2" placeholder="16.92, 99.21"></textarea>
        <button type="button" id="check" data-t="check">ตรวจพิกัด</button>
      </div>
    </section>
    <section>
      <h3><span data-t="unpinned">โครงการที่ยังไม่ปักหมุด</span> (<span id="unpinned-count">0</span>)</h3>
      <ul id="unpinned"></ul>
    </section>
  </aside>
</main>
<script src="/static/leaflet/leaflet.js"></script>
<script src="/static/map.js"></script>
</body>
</html>
"""##

    static let style = ##"""
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { margin: 0; height: 100%; line-height: 1.4; font-family: "Noto Sans Thai", "Sarabun", "Garuda", "Noto Sans", "DejaVu Sans", sans-serif; font-size: 15px; color: #222; }
body { display: flex; flex-direction: column; }
header { display: flex; align-items: center; gap: 1em; padding: 0.4em 1em; background: #264653; color: #fff; }
header h1 { font-size: 1.2em; margin: 0; flex: 1; }
header button { background: #fff; color: #264653; border: 0; border-radius: 3px; padding: 0.3em 0.8em; cursor: pointer; }
#notice { padding: 0.5em 1em; background: #fff3cd; border-bottom: 1px solid #e0c36a; }
#notice.error { background: #f8d7da; border-color: #d9534f; }
#login { display: flex; justify-content: center; padding: 3em 1em; }
#login-form { display: flex; flex-direction: column; gap: 0.8em; width: 20em; padding: 1.5em; border: 1px solid #ccc; border-radius: 6px; }
#login-form label { display: flex; flex-direction: column; gap: 0.2em; }
#login-form input { padding: 0.4em; font-size: 1em; }
#login-error { color: #b00020; min-height: 1.2em; margin: 0; }
main { flex: 1; display: flex; min-height: 0; }
#map { flex: 1; min-height: 400px; background: #eef3ee; }
#side { width: 24em; overflow-y: auto; padding: 0.5em 1em; border-left: 1px solid #ccc; }
#side h2 { font-size: 1.1em; margin: 0.3em 0; }
#side h3 { font-size: 1em; margin: 0.8em 0 0.3em; }
#legend { list-style: none; padding: 0; margin: 0; }
#legend li { display: flex; align-items: center; gap: 0.5em; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%; border: 1px solid #333; }
#pin-tools select, #pin-tools textarea { width: 100%; }
#modes { border: 0; padding: 0; margin: 0.4em 0; display: flex; flex-wrap: wrap; gap: 0.6em; }
.buttons { display: flex; gap: 0.4em; margin: 0.4em 0; }
#save { font-weight: bold; }
#verdict { margin: 0.4em 0; padding: 0.4em; border-radius: 4px; }
#verdict:empty { display: none; }
#hint { color: #555; font-size: 0.9em; margin: 0.3em 0; }
#verdict.inside { background: #d4edda; border: 1px solid #2ca02c; }
#verdict.refused, #verdict.error { background: #f8d7da; border: 1px solid #d9534f; }
#verdict.saved { background: #cce5ff; border: 1px solid #1f77b4; }
#verdict ul { margin: 0.3em 0 0; padding-left: 1.2em; }
#unpinned { padding-left: 1.2em; }
#unpinned button { background: none; border: 0; padding: 0; color: #1f5fa8; text-align: left; cursor: pointer; font: inherit; }
.popup table { border-collapse: collapse; }
.popup th { text-align: left; font-weight: normal; color: #555; padding-right: 0.6em; }
.popup h4 { margin: 0 0 0.3em; }
.tambon-label { background: transparent; border: 0; box-shadow: none; color: #555; font-size: 0.8em; }
.stage-planned { background: #7f7f7f; } .stage-plan-approved { background: #1f77b4; }
.stage-budget-approved { background: #9467bd; } .stage-contracted { background: #ff7f0e; }
.stage-disbursed { background: #d62728; } .stage-completed { background: #2ca02c; }
@media (max-width: 800px) { main { flex-direction: column; } #side { width: auto; border-left: 0; } }
"""##
}

// The strength meter of the hub's password forms: marks each rule of the password policy as met or not
// while the vendor types, and shows a strength level. It mirrors satupintu.core.passwords.policy_gaps;
// the server's validator decides. Texts come from the page (translated there); nothing leaves the page.
(function () {
  "use strict";
  var MIN_LENGTH = 8;
  var TESTS = {
    length: function (value) { return Array.from(value).length >= MIN_LENGTH; },
    upper: function (value) { return /\p{Lu}/u.test(value); },
    lower: function (value) { return /\p{Ll}/u.test(value); },
    digit: function (value) { return /\p{Nd}/u.test(value); },
    special: function (value) { return /[^\p{L}\p{N}\s]/u.test(value); },
  };

  // 0 weak, 1 fair, 2 good (every rule met), 3 strong (every rule met, and long).
  function level(value, met) {
    var all = Object.keys(TESTS).length;
    if (met === all) { return Array.from(value).length >= 12 ? 3 : 2; }
    return met >= all - 2 ? 1 : 0;
  }

  function attach(meter, levels) {
    var input = document.getElementById(meter.dataset.for);
    if (!input) { return; }
    var strength = meter.querySelector(".strength");
    var bar = meter.querySelector(".strength-bar");
    var label = meter.querySelector(".strength-level");
    var items = meter.querySelectorAll("[data-rule]");
    function update() {
      var value = input.value;
      var met = 0;
      items.forEach(function (item) {
        var test = TESTS[item.dataset.rule];
        var ok = Boolean(test && test(value));
        item.classList.toggle("met", ok);
        if (ok) { met += 1; }
      });
      strength.hidden = value.length === 0;
      var at = level(value, met);
      bar.className = "strength-bar level-" + at;
      bar.style.width = ((at + 1) * 25) + "%";
      label.textContent = levels[at] || "";
    }
    input.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("password-strength-levels");
    var levels = source ? JSON.parse(source.textContent) : [];
    document.querySelectorAll(".password-meter[data-for]").forEach(function (meter) {
      attach(meter, levels);
    });
  });
})();

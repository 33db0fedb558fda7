/* Live password rules next to every field marked data-password-hints (sign-up, password change, reset).
   The server checks everything again (authorities/passwords.py); this only helps while typing. */
(function () {
  "use strict";
  var MIN_LENGTH = 12;

  function personalWords(form) {
    var words = [];
    ["first_name", "last_name", "email"].forEach(function (name) {
      var field = form && form.querySelector('[name="' + name + '"], [name$="-' + name + '"]');
      var value = field ? (field.value || field.getAttribute("value") || "") : "";
      value.toLowerCase().split(/[@._+\- ]/).forEach(function (word) {
        if (word.length >= 4) { words.push(word); }
      });
    });
    var email = document.querySelector("[data-account-email]");
    if (email) { words.push(email.getAttribute("data-account-email").split("@")[0].toLowerCase()); }
    return words;
  }

  function rules(password, form) {
    var lowered = password.toLowerCase();
    return [
      { ok: password.length >= MIN_LENGTH, text: "Au moins " + MIN_LENGTH + " caractères (" + password.length + " saisis)" },
      { ok: password.length > 0 && !/^\d+$/.test(password), text: "Pas uniquement des chiffres" },
      {
        ok: password.length > 0 && !personalWords(form).some(function (word) { return lowered.indexOf(word) !== -1; }),
        text: "Ne contient ni votre nom, ni votre prénom, ni votre adresse électronique",
      },
      { ok: new Set(password).size >= 8, text: "Difficile à deviner : plusieurs mots sans lien, pas un mot de passe courant" },
    ];
  }

  function attach(input) {
    var list = document.createElement("ul");
    list.className = "password-hints";
    list.setAttribute("aria-live", "polite");
    list.id = input.id + "-hints";
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + list.id).trim());
    input.insertAdjacentElement("afterend", list);
    function render() {
      list.textContent = "";
      rules(input.value, input.form).forEach(function (rule) {
        var item = document.createElement("li");
        item.textContent = (rule.ok ? "✓ " : "✗ ") + rule.text;
        item.setAttribute("data-ok", rule.ok ? "true" : "false");
        item.style.color = rule.ok ? "#18753c" : "#666";
        list.appendChild(item);
      });
    }
    input.addEventListener("input", render);
    render();
  }

  function init() {
    document.querySelectorAll("input[data-password-hints]").forEach(attach);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

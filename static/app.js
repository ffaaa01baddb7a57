/* app.js: progressive enhancement for the help center.  Every page works
 * without it; this only adds: copy link / copy as Markdown buttons,
 * "copy link to this section" next to article headings, search-as-you-type
 * suggestions (an accessible listbox), and in-place posting of the
 * feedback and "didn't find it" forms.  No inline script anywhere: the
 * Content-Security-Policy forbids it, so UI strings come from data-t-*
 * attributes on <body>.
 * SPDX-License-Identifier: GPL-2.0-or-later */
(function () {
  "use strict";

  var body = document.body;
  function t(key, fallback) {
    return (body && body.getAttribute("data-t-" + key)) || fallback;
  }

  /* ---- copying ---- */

  /* Copy 'text'; resolve true on success.  navigator.clipboard needs a
   * secure context (https or localhost), so fall back to a selected
   * textarea and execCommand, which still works on plain http. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () {
        return true;
      }, function () {
        return legacyCopy(text);
      });
    }
    return Promise.resolve(legacyCopy(text));
  }

  function legacyCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "visually-hidden";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(ta);
    return ok;
  }

  /* When copying is impossible, show the text selected next to the button
   * so the reader can copy it by hand. */
  function showFallback(button, text) {
    var next = button.nextElementSibling;
    if (next && next.classList.contains("copy-fallback")) {
      next.select();
      return;
    }
    var input = document.createElement("input");
    input.type = "text";
    input.readOnly = true;
    input.value = text;
    input.className = "copy-fallback";
    input.setAttribute("dir", "ltr");
    input.setAttribute("aria-label", t("copy-failed", "Press Ctrl+C to copy"));
    button.insertAdjacentElement("afterend", input);
    input.focus();
    input.select();
  }

  function flash(button, label) {
    var old = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", old);
    button.textContent = label;
    window.clearTimeout(button._timer);
    button._timer = window.setTimeout(function () {
      button.textContent = old;
    }, 1600);
  }

  function copyButtonText(button) {
    if (button.hasAttribute("data-markdown"))
      return button.getAttribute("data-markdown");
    return button.getAttribute("data-url");
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button.copy");
    if (!button)
      return;
    var text = copyButtonText(button);
    if (!text)
      return;
    copyText(text).then(function (ok) {
      if (ok)
        flash(button, t("copied", "Copied"));
      else
        showFallback(button, text);
    });
  });

  /* The buttons are hidden in the HTML: without this script they would do
   * nothing, and the link itself stays visible beside them. */
  function revealCopyButtons(root) {
    var buttons = root.querySelectorAll("button.copy[hidden]");
    for (var i = 0; i < buttons.length; i++)
      buttons[i].hidden = false;
  }

  /* ---- "copy link to this section" ---- */

  function sectionLinks() {
    var article = document.querySelector("article.article");
    if (!article)
      return;
    var base = article.getAttribute("data-url") ||
               (location.origin + location.pathname);
    base = base.split("#")[0];
    var heads = article.querySelectorAll(".article-body :is(h2, h3, h4, h5, h6)[id]");
    var label = t("copy-section", "Copy link to this section");
    for (var i = 0; i < heads.length; i++) {
      var h = heads[i];
      var url = base + "#" + encodeURIComponent(h.id);
      var tools = document.createElement("span");
      tools.className = "heading-tools";
      var a = document.createElement("a");
      a.className = "heading-anchor";
      a.href = "#" + encodeURIComponent(h.id);
      a.textContent = "#";
      a.setAttribute("aria-label", label + ": " + h.textContent);
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy";
      b.setAttribute("data-url", url);
      b.textContent = label;
      tools.appendChild(a);
      tools.appendChild(b);
      h.appendChild(tools);
    }
  }

  /* ---- search as you type ---- */

  var suggestCount = 0;

  function suggest(input) {
    var endpoint = input.getAttribute("data-suggest");
    var form = input.form;
    if (!endpoint || !form)
      return;
    var id = "suggest-" + (++suggestCount);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", t("suggestions", "Suggestions"));
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");

    var timer = 0, seq = 0, active = -1, items = [], lastQ = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function setActive(i) {
      if (!items.length)
        return;
      if (active >= 0)
        items[active].el.setAttribute("aria-selected", "false");
      active = (i + items.length) % items.length;
      items[active].el.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].el.id);
    }

    function show(results) {
      close();
      for (var i = 0; i < results.length && i < 8; i++) {
        var r = results[i];
        if (!r || !r.title)
          continue;
        var url = r.url || ("/a/" + encodeURIComponent(r.slug || ""));
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        if (r.lang)
          li.lang = r.lang;
        var bdi = document.createElement("bdi");
        bdi.textContent = r.title;
        li.appendChild(bdi);
        li.addEventListener("mousedown", (function (u) {
          return function (ev) {
            ev.preventDefault();   /* keep focus; navigate on click */
            location.href = u;
          };
        })(url));
        list.appendChild(li);
        items.push({ el: li, url: url });
      }
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQ)
        return;
      lastQ = q;
      if (q.length < 2) {
        close();
        return;
      }
      var mine = ++seq;
      var params = new URLSearchParams();
      params.set("q", q);
      var lang = form.querySelector("input[name=lang]");
      if (lang && lang.value)
        params.set("lang", lang.value);
      var audience = form.querySelector("input[name=audience]");
      if (audience)
        params.set("audience", audience.value);
      fetch(endpoint + "?" + params.toString(), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (res) {
        return res.ok ? res.json() : null;
      }).then(function (data) {
        if (mine !== seq || !data)
          return;   /* a newer keystroke won */
        var list = Array.isArray(data) ? data :
                   data.suggestions || data.results || [];
        show(list);
      }).catch(function () {
        close();
      });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden)
        return;
      if (ev.key === "ArrowDown") {
        ev.preventDefault();
        setActive(active + 1);
      } else if (ev.key === "ArrowUp") {
        ev.preventDefault();
        setActive(active - 1);
      } else if (ev.key === "Enter" && active >= 0) {
        ev.preventDefault();
        location.href = items[active].url;
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });
  }

  /* ---- forms posted in place ---- */

  /* A form with data-enhance is posted with fetch and replaced by its
   * thank-you text (data-done, or data-done-yes / data-done-no after a
   * vote).  The server sees the same fields as without JavaScript, plus
   * "Accept: application/json"; any answer but a 2xx makes the form submit
   * the ordinary way, so the reader gets the server's own page (an error
   * with a retry, a 429, a 503). */
  function enhanceForm(form) {
    form.addEventListener("submit", function (ev) {
      if (form.getAttribute("data-plain") === "1")
        return;
      if (!window.fetch || !window.URLSearchParams || !window.FormData)
        return;
      ev.preventDefault();
      var submitter = ev.submitter || form.querySelector("button[type=submit]");
      var data = new FormData(form);
      if (submitter && submitter.name)
        data.set(submitter.name, submitter.value);
      var params = new URLSearchParams();
      data.forEach(function (v, k) {
        params.append(k, v);
      });
      var buttons = form.querySelectorAll("button");
      for (var i = 0; i < buttons.length; i++)
        buttons[i].disabled = true;

      function plain() {
        for (var i = 0; i < buttons.length; i++)
          buttons[i].disabled = false;
        form.setAttribute("data-plain", "1");
        if (submitter && submitter.name) {
          var h = document.createElement("input");
          h.type = "hidden";
          h.name = submitter.name;
          h.value = submitter.value;
          form.appendChild(h);
        }
        form.submit();
      }

      fetch(form.action, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/json"
        },
        body: params.toString(),
        credentials: "same-origin"
      }).then(function (res) {
        if (!res.ok) {
          plain();
          return;
        }
        var vote = params.get("vote");
        var text = (vote === "yes" && form.getAttribute("data-done-yes")) ||
                   (vote === "no" && form.getAttribute("data-done-no")) ||
                   form.getAttribute("data-done") || t("copied", "OK");
        var p = document.createElement("p");
        p.className = "fb-done";
        p.setAttribute("role", "status");
        p.setAttribute("tabindex", "-1");
        p.textContent = text;
        form.replaceWith(p);
        p.focus();
      }).catch(plain);
    });
  }

  function init() {
    revealCopyButtons(document);
    sectionLinks();
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++)
      suggest(inputs[i]);
    var forms = document.querySelectorAll("form[data-enhance]");
    for (var k = 0; k < forms.length; k++)
      enhanceForm(forms[k]);
  }

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", init);
  else
    init();
})();

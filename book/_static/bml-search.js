/* Search result snippets in plain words.

   Sphinx makes a result's snippet from the text of the page it found: math is still
   TeX there (MathJax typesets it in the browser), and the text of a heading runs
   into the paragraph after it ("activation functionA"). Before Sphinx takes the text,
   this writes each equation as plain text (symbols, Greek letters, a/b) and ends
   every block with a space; the page's buttons and links around the text are left out. Loaded on every page (the search box is on every page);
   it only replaces Search.htmlToText, once searchtools.js has defined it. */
(() => {
  const NAMES = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε",
    eta: "η", theta: "θ", lambda: "λ", mu: "μ", pi: "π", sigma: "σ", tau: "τ",
    phi: "φ", Delta: "Δ", Sigma: "Σ", cdot: "·", times: "×", approx: "≈", le: "≤",
    leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", to: "→", rightarrow: "→",
    infty: "∞", sum: "Σ", partial: "∂", ldots: "…", dots: "…", cdots: "…",
    pm: "±", in: "∈", prime: "′", max: "max", min: "min", log: "log", exp: "exp",
    tanh: "tanh",
  };
  const SPACES = new Set(["left", "right", "big", "Big", "quad", "qquad"]);

  const plainMath = (tex) => {
    let text = tex.trim()
      .replace(/^(\\\(|\\\[|\$\$?)/, "")
      .replace(/(\\\)|\\\]|\$\$?)$/, "");
    text = text
      .replace(/\\begin\{[^}]*\}|\\end\{[^}]*\}/g, " ")
      .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
      .replace(/\\hat\s*\{?\s*([A-Za-z])\s*\}?/g, "$1\u0302")
      .replace(/\\(?:mathrm|text|mathbf|mathit|operatorname)\{([^{}]*)\}/g, "$1")
      .replace(/\\([A-Za-z]+)/g, (m, name) =>
        NAMES[name] ?? (SPACES.has(name) ? " " : name))
      .replace(/\\[,;:! ]|&|\\\\/g, " ")
      .replace(/[{}]/g, "");
    return text.replace(/\s+/g, " ").trim();
  };

  const BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, td, th, pre, figcaption, "
    + "caption, blockquote, div.math, div.admonition-title, summary";

  const CHROME = ".bd-header-article, .bd-sidebar-secondary, .prev-next-area, "
    + ".bd-footer-article, .bd-footer-content, nav";

  const patch = () => {
    if (typeof Search === "undefined" || Search.bmlPlain) return;
    const sphinxToText = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const page = new DOMParser().parseFromString(htmlString, "text/html");
      // the page's buttons, contents list and previous/next links are not its text
      page.querySelectorAll(CHROME).forEach((e) => e.remove());
      page.querySelectorAll(".math").forEach((m) => {
        m.textContent = ` ${plainMath(m.textContent)} `;
      });
      page.querySelectorAll(BLOCKS).forEach((block) => block.append(" "));
      const text = sphinxToText(page.documentElement.outerHTML, anchor);
      return text.replace(/\s+/g, " ").trim();
    };
    Search.bmlPlain = true;
  };
  patch();
  document.addEventListener("DOMContentLoaded", patch);
})();

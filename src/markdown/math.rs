//! Formulas: `$…$` and `$$…$$` (pulldown-cmark's math events) rendered at build time as
//! MathML Core, which browsers draw with their own fonts: no script, no web fonts. The LaTeX
//! goes through `pulldown-latex`, whose output escapes every text it copies and has no
//! hyperlinks, so a formula cannot bring markup or a `javascript:` address into the page.
//! A formula that does not parse is an error; the page shows its source as code meanwhile.

use pulldown_latex::config::{DisplayMode, RenderConfig};
use pulldown_latex::{Parser, Storage};

/// Longer formulas are refused rather than parsed: a body is untrusted input.
const MAX_FORMULA_BYTES: usize = 16 * 1024;

/// The MathML of `latex`, or what is wrong with it (one line).
pub fn to_mathml(latex: &str, display: bool) -> Result<String, String> {
    if latex.len() > MAX_FORMULA_BYTES {
        return Err(format!(
            "formula is {} bytes long; at most {MAX_FORMULA_BYTES} are accepted",
            latex.len()
        ));
    }
    // A panic in a dependency must not end the build: it is reported like a parse error.
    std::panic::catch_unwind(|| convert(latex, display))
        .unwrap_or_else(|_| Err("the formula could not be converted".to_string()))
}

fn convert(latex: &str, display: bool) -> Result<String, String> {
    let storage = Storage::new();
    let mut events = Vec::new();
    for event in Parser::new(latex, &storage) {
        match event {
            Ok(event) => events.push(Ok::<_, std::fmt::Error>(event)),
            Err(error) => {
                // The error's source is its one-line kind; its Display adds a drawn context.
                let what = std::error::Error::source(&error)
                    .map(|kind| kind.to_string())
                    .unwrap_or_else(|| error.to_string());
                return Err(what);
            }
        }
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        annotation: None,
        // Never used: a formula with an error is not rendered at all.
        error_color: (178, 34, 34),
        xml: false,
        math_style: Default::default(),
    };
    let mut mathml = String::with_capacity(latex.len() * 8);
    pulldown_latex::push_mathml(&mut mathml, events.into_iter(), config)
        .map_err(|e| e.to_string())?;
    sanitize(&mathml)
}

/// The MathML elements the converter writes.
const ELEMENTS: &[&str] = &[
    "annotation",
    "math",
    "menclose",
    "merror",
    "mfrac",
    "mi",
    "mmultiscripts",
    "mn",
    "mo",
    "mover",
    "mpadded",
    "mphantom",
    "mprescripts",
    "mroot",
    "mrow",
    "ms",
    "mspace",
    "msqrt",
    "mstyle",
    "msub",
    "msubsup",
    "msup",
    "mtable",
    "mtd",
    "mtext",
    "mtr",
    "munder",
    "munderover",
    "none",
    "semantics",
];

/// The attributes it writes; none of them takes an address.
const ATTRIBUTES: &[&str] = &[
    "class",
    "columnalign",
    "depth",
    "display",
    "displaystyle",
    "encoding",
    "height",
    "largeop",
    "linethickness",
    "lspace",
    "mathbackground",
    "mathcolor",
    "mathvariant",
    "maxsize",
    "minsize",
    "movablelimits",
    "rspace",
    "scriptlevel",
    "stretchy",
    "style",
    "symmetric",
    "width",
];

/// `html` written again: tags of `ELEMENTS` with `ATTRIBUTES` whose values are plain (no
/// quotes, `<`, `&`, backslash or `url(`) kept; every other `<`, `>` and `&` escaped as text
/// (entities the converter wrote, `&lt;` and the like, kept). The kept tags must nest as one
/// `<math>` element: the converter copies some text as it is (`\operatorname{</mi></math>…}`),
/// and such a formula, which could close the formula and open elements of its own, is refused.
fn sanitize(html: &str) -> Result<String, String> {
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    let mut open: Vec<String> = Vec::new();
    let mut roots = 0;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some((tag, len)) = tag(rest)
        {
            nest(&tag, &mut open, &mut roots)?;
            out.push_str(&tag);
            rest = &rest[len..];
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '&' if is_entity(rest) => out.push('&'),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    if !open.is_empty() {
        return Err(UNSAFE.to_string());
    }
    Ok(out)
}

const UNSAFE: &str = "the formula holds markup (`<` `>`) where the converter copies text as it is";

/// Follows the element `tag` opens or closes; an error when tags do not nest as one `<math>`.
fn nest(tag: &str, open: &mut Vec<String>, roots: &mut usize) -> Result<(), String> {
    if tag.ends_with("/>") {
        return if open.is_empty() {
            Err(UNSAFE.to_string())
        } else {
            Ok(())
        };
    }
    if let Some(name) = tag.strip_prefix("</") {
        let name = name.trim_end_matches('>');
        return match open.pop() {
            Some(top) if top == name => Ok(()),
            _ => Err(UNSAFE.to_string()),
        };
    }
    let name = tag[1..]
        .split([' ', '>'])
        .next()
        .unwrap_or_default()
        .to_string();
    if open.is_empty() {
        *roots += 1;
        if name != "math" || *roots > 1 {
            return Err(UNSAFE.to_string());
        }
    }
    open.push(name);
    Ok(())
}

/// `&name;` or `&#123;` / `&#x1F;` at the start of `text`.
fn is_entity(text: &str) -> bool {
    let body = &text[1..];
    let Some(end) = body.find(';').filter(|end| *end > 0 && *end <= 10) else {
        return false;
    };
    let name = &body[..end];
    let digits = name.strip_prefix('#');
    match digits {
        Some(d) => match d.strip_prefix(['x', 'X']) {
            Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()),
        },
        None => name.chars().all(|c| c.is_ascii_alphanumeric()),
    }
}

/// A permitted tag at the start of `text` (which starts with `<`): the tag as written again,
/// and its length in `text`.
fn tag(text: &str) -> Option<(String, usize)> {
    let end = text.find('>')?;
    let inner = &text[1..end];
    if let Some(name) = inner.strip_prefix('/') {
        return ELEMENTS
            .contains(&name)
            .then(|| (format!("</{name}>"), end + 1));
    }
    // `<mspace width="1em" />`: MathML in HTML may close an empty element so.
    let (inner, close) = match inner.strip_suffix('/') {
        Some(open) => (open.trim_end(), " />"),
        None => (inner, ">"),
    };
    let (name, mut attrs) = inner.split_once(' ').unwrap_or((inner, ""));
    if !ELEMENTS.contains(&name) {
        return None;
    }
    let mut tag = format!("<{name}");
    while !attrs.trim_start().is_empty() {
        attrs = attrs.trim_start();
        let (key, after) = attrs.split_once("=\"")?;
        let (value, after) = after.split_once('"')?;
        let plain = !value.contains(['<', '&', '\\', '\'']) && !value.contains("url(");
        if !ATTRIBUTES.contains(&key) || !plain {
            return None;
        }
        tag.push_str(&format!(" {key}=\"{value}\""));
        attrs = after;
    }
    tag.push_str(close);
    Some((tag, end + 1))
}

#[cfg(test)]
mod tests {
    use super::to_mathml;

    #[test]
    fn simple_formulas_become_mathml() {
        let inline = to_mathml("x^2 + y^2 = r^2", false).unwrap();
        assert!(inline.starts_with("<math"), "{inline}");
        assert!(inline.contains("<msup>"), "{inline}");
        let block = to_mathml(r"\frac{a}{b}", true).unwrap();
        assert!(block.contains("display=\"block\""), "{block}");
        assert!(block.contains("<mfrac>"), "{block}");
    }

    #[test]
    fn unescaped_characters_are_escaped() {
        let html = to_mathml("a < 0", false).unwrap();
        assert!(html.contains("<mo>&lt;</mo>"), "{html}");
        let html = to_mathml(r"a \, b", false).unwrap();
        assert!(html.contains("<mspace width=\"0.16666667em\" />"), "{html}");
        let html = to_mathml(r"a \gt 0 \text{ & }", false).unwrap();
        assert!(html.contains("<mo>&gt;</mo>"), "{html}");
        assert!(!html.contains("& "), "{html}");
    }

    #[test]
    fn broken_formulas_are_errors() {
        assert!(to_mathml(r"\frac{a", false).is_err());
        assert!(to_mathml(r"\nosuchcommand", false).is_err());
        assert!(to_mathml(&"x".repeat(20_000), false).is_err());
    }

    #[test]
    fn text_copied_as_markup_is_refused() {
        for latex in [
            r"\operatorname{</mi></math><math display=block><mstyle><merror><mtext>}",
            r"\operatorname{</mi><mstyle><mi>}",
        ] {
            let error = to_mathml(latex, false).unwrap_err();
            assert!(error.contains("markup"), "{error}");
        }
        // …while formulas with < and > as signs render
        assert!(to_mathml(r"a<b \operatorname{max} c>d", false).is_ok());
    }

    #[test]
    fn nothing_unescaped_comes_through() {
        for latex in [
            "<script>alert(1)</script>",
            "a < b > c",
            r"\lt \gt \& \text{a & b <i>}",
            r"\operatorname{<mi onclick=alert(1)>}",
            r"\mathrm{<svg/onload=alert(1)>}",
            r"\text{<img src=x onerror=alert(1)>}",
            r"\href{javascript:alert(1)}{x}",
            r"\url{javascript:alert(1)}",
            r"\operatorname{</mi></math><math display=block><mstyle><merror><mtext>}",
            r"\operatorname{</mi><mstyle><mi>}",
        ] {
            if let Ok(html) = to_mathml(latex, false) {
                assert!(!html.contains("<<"), "{html}");
                assert!(!html.contains("<script"), "{html}");
                assert!(!html.contains("<img"), "{html}");
                assert!(!html.contains("javascript:"), "{html}");
                assert_eq!(html.matches("<math").count(), 1, "{html}");
                assert_eq!(html.matches("</math>").count(), 1, "{html}");
                assert!(html.ends_with("</math>"), "{html}");
            }
        }
    }
}

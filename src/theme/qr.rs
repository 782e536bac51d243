//! QR codes of page addresses, drawn at build time as inline SVG (no script, no network): on
//! paper a lesson plan carries the code of its page (and of its video), and on a desktop
//! screen every resource page shows its code, "scan to open on the phone".
//!
//! Only an absolute base URL gives a code: a phone that scans `/lessons/x/` cannot open
//! anything, so with a relative base URL there are none, and the base URL warning says so
//! (`feeds::base_url_note`). Like JSON-LD, a code is hashed by its address and drawn only
//! when its page is rendered.

use serde::Serialize;

/// Blank modules around the code, as the QR specification asks.
const QUIET_ZONE: usize = 4;

/// The QR code of one address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Qr {
    pub url: String,
}

impl Qr {
    /// The code of `path` (relative to the site root) under an absolute `base`.
    pub fn of(base: Option<&str>, path: &str) -> Option<Qr> {
        base.map(|base| Qr {
            url: format!("{base}{path}"),
        })
    }

    /// The SVG element: one path of dark modules, one run of modules per `h`; the caller's
    /// CSS sets its size. Empty if the address is too long for a QR code.
    pub fn svg(&self) -> String {
        svg_of(self.url.as_bytes()).unwrap_or_default()
    }
}

/// What a template receives: the address, and the code drawn for it.
impl Serialize for Qr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Qr", 2)?;
        s.serialize_field("url", &self.url)?;
        s.serialize_field("svg", &self.svg())?;
        s.end()
    }
}

/// The modules of `data`'s code (row by row, `true` for dark) and its width.
///
/// One mask for every code, not the best of eight: the crate's choice scores all eight
/// patterns, about 1 ms a code — 10 s of a 10,000-page build — while any mask is valid QR and
/// reads as well on a clean print (the browser tests read the sample portal's codes back).
fn modules(data: &[u8]) -> Option<(Vec<bool>, usize)> {
    use qrcode::{bits, canvas, ec};
    // Level M: a code that survives a crease or a smudge on a printed page.
    let level = qrcode::EcLevel::M;
    let bits = bits::encode_auto(data, level).ok()?;
    let version = bits.version();
    let (data, ec_data) = ec::construct_codewords(&bits.into_bytes(), version, level).ok()?;
    let mut canvas = canvas::Canvas::new(version, level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec_data);
    canvas.apply_mask(canvas::MaskPattern::Checkerboard);
    let dark = canvas
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Some((dark, version.width() as usize))
}

/// `n` in decimal, without `write!`'s formatting machinery: a code has a few hundred runs,
/// and a portal thousands of codes.
fn push_number(out: &mut String, n: usize) {
    if n >= 10 {
        push_number(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn svg_of(data: &[u8]) -> Option<String> {
    let (dark, width) = modules(data)?;
    let size = width + 2 * QUIET_ZONE;
    // Each run of dark modules is one stroke along the middle of its row: `M` to the row's
    // first run, `m` over each gap, `h` along each run — about half the bytes of a filled
    // rectangle per run (a page may carry two codes; a portal, thousands of pages).
    let mut path = String::with_capacity(width * width);
    for y in 0..width {
        let row = &dark[y * width..(y + 1) * width];
        let mut x = 0;
        let mut pen: Option<usize> = None;
        while x < width {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] {
                x += 1;
            }
            match pen {
                None => {
                    path.push('M');
                    push_number(&mut path, start + QUIET_ZONE);
                    path.push(' ');
                    push_number(&mut path, y + QUIET_ZONE);
                    path.push_str(".5");
                }
                Some(end) => {
                    path.push('m');
                    push_number(&mut path, start - end);
                    path.push_str(" 0");
                }
            }
            path.push('h');
            push_number(&mut path, x - start);
            pen = Some(x);
        }
    }
    Some(format!(
        "<svg class=\"qr-code\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         width=\"{size}\" height=\"{size}\" shape-rendering=\"crispEdges\" aria-hidden=\"true\" \
         focusable=\"false\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path stroke=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::Qr;

    #[test]
    fn an_absolute_base_gives_a_code() {
        let qr = Qr::of(Some("https://example.org/portal/"), "lessons/x/").unwrap();
        assert_eq!(qr.url, "https://example.org/portal/lessons/x/");
        let svg = qr.svg();
        assert!(svg.starts_with("<svg class=\"qr-code\""), "{svg}");
        // Version 3 (29 modules) holds this address at level M; 8 more for the quiet zone.
        assert!(svg.contains("viewBox=\"0 0 37 37\""), "{svg}");
        // The finder pattern's top row: seven dark modules after the quiet zone, and the
        // row's last run is the top-right finder pattern's, seven modules from the edge.
        assert!(svg.contains("d=\"M4 4.5h7m"), "{svg}");
        assert!(svg.contains("h7M4 5.5h1m5 0h1"), "{svg}");
        assert_eq!(svg, qr.svg(), "the same address draws the same code");
    }

    #[test]
    fn a_relative_base_gives_none() {
        assert_eq!(Qr::of(None, "lessons/x/"), None);
    }

    #[test]
    fn an_address_too_long_gives_no_svg() {
        let qr = Qr {
            url: "x".repeat(5000),
        };
        assert_eq!(qr.svg(), "");
    }
}

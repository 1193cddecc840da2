//! Punycode (RFC 3492) encoding of one host label, for canonical IDN origins.
//!
//! Kept instead of the `idna` crate: only `build()` needs it, to name the
//! canonical form of a Unicode host in an error, and `idna` 1.x brings 43
//! crates (ICU4X normalisation data) into every user's build for that.

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// Encodes a lowercase label into its ASCII form: unchanged when it is ASCII,
/// `xn--` followed by the punycode digits otherwise. `None` on arithmetic
/// overflow, which only absurdly long labels reach.
pub(crate) fn to_ascii_label(label: &str) -> Option<String> {
    if label.is_ascii() {
        return Some(label.to_owned());
    }
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out = String::from("xn--");
    let basic = code_points.iter().filter(|&&c| c < 0x80).count();
    out.extend(label.chars().filter(char::is_ascii));
    if basic > 0 {
        out.push('-');
    }

    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut handled = basic;
    while handled < code_points.len() {
        let next = code_points.iter().copied().filter(|&c| c >= n).min()?;
        let handled_plus_one = u32::try_from(handled + 1).ok()?;
        delta = delta.checked_add((next - n).checked_mul(handled_plus_one)?)?;
        n = next;
        for &c in &code_points {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, u32::try_from(handled + 1).ok()?, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        T_MIN
    } else if k >= bias + T_MAX {
        T_MAX
    } else {
        k - bias
    }
}

fn adapt(delta: u32, num_points: u32, first_time: bool) -> u32 {
    let mut delta = if first_time { delta / DAMP } else { delta / 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn digit(d: u32) -> char {
    // d < 36 by construction of the algorithm.
    let byte = if d < 26 {
        b'a' + d as u8
    } else {
        b'0' + (d - 26) as u8
    };
    char::from(byte)
}

#[cfg(test)]
mod tests {
    use super::to_ascii_label;

    #[test]
    fn encodes_known_labels() {
        assert_eq!(to_ascii_label("bücher").as_deref(), Some("xn--bcher-kva"));
        assert_eq!(to_ascii_label("münchen").as_deref(), Some("xn--mnchen-3ya"));
        assert_eq!(to_ascii_label("例え").as_deref(), Some("xn--r8jz45g"));
        assert_eq!(to_ascii_label("example").as_deref(), Some("example"));
    }
}

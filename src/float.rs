//! Floats read and printed byte for byte as the standard library does, without its code.
//!
//! `parse_f64` is `str::parse::<f64>` (the same grammar, the same bits); `display` is `{}` and
//! `fixed` is `{:.N}`. The standard parser carries a 10 KB table of 128-bit powers of five (its
//! Eisel-Lemire path) that gzip cannot shrink, and the printer brings Grisu, Dragon and their
//! tables: together about 20 KB of the gzipped bundle for the few floats a manifest holds. These
//! work on exact big integers instead: slow, but the app reads and prints few floats. Parsing
//! takes the exact fast path when the digits and the power of ten both fit an `f64`. `tests`
//! compare all three with the standard library on grammar cases, boundaries, halfway points,
//! every power of two and random values.

/// `s.parse::<f64>().ok()`.
pub fn parse_f64(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (negative, rest) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let v = match decimal(rest) {
        Some(v) => v,
        None if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") => {
            f64::INFINITY
        }
        None if rest.eq_ignore_ascii_case(b"nan") => f64::NAN,
        None => return None,
    };
    Some(if negative { -v } else { v })
}

/// `format!("{f}")`: the shortest digits that read back as `f`, never with an exponent.
pub fn display(f: f64) -> String {
    let Some((digits, exp)) = finite(f) else {
        return special(f);
    };
    let mut out = sign(f);
    if digits.is_empty() {
        out.push('0');
        return out;
    }
    let (digits, exp) = shortest(f.abs(), digits, exp);
    let len = digits.len() as i64;
    if exp <= 0 {
        out.push_str("0.");
        push_zeros(&mut out, -exp);
        push_digits(&mut out, &digits);
    } else if exp < len {
        push_digits(&mut out, &digits[..exp as usize]);
        out.push('.');
        push_digits(&mut out, &digits[exp as usize..]);
    } else {
        push_digits(&mut out, &digits);
        push_zeros(&mut out, exp - len);
    }
    out
}

/// `format!("{f:.prec$}")`: the exact value rounded to `prec` decimals, ties to even.
pub fn fixed(f: f64, prec: usize) -> String {
    let Some((mut digits, mut exp)) = finite(f) else {
        return special(f);
    };
    let mut out = sign(f);
    let prec = prec as i64;
    let keep = exp + prec;
    if digits.is_empty() || keep < 0 {
        digits.clear();
    } else {
        let rest = digits.split_off((keep as usize).min(digits.len()));
        let up = match rest.first() {
            Some(&d) if d > 5 => true,
            Some(5) => rest.len() > 1 || digits.last().is_some_and(|d| d % 2 == 1),
            _ => false,
        };
        if up {
            // The kept digits plus one unit in the last place, which may carry into a new digit.
            digits.resize(keep as usize, 0);
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    exp += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
    }
    // `digits` now spell the value as 0.digits × 10^exp, with at most `prec` decimals.
    let digit = |i: i64| {
        if digits.is_empty() || i < 0 {
            0
        } else {
            digits.get(i as usize).copied().unwrap_or(0)
        }
    };
    let exp = if digits.is_empty() { 0 } else { exp };
    if exp <= 0 {
        out.push('0');
    }
    for i in 0..exp {
        out.push(char::from(b'0' + digit(i)));
    }
    if prec > 0 {
        out.push('.');
        for i in exp..exp + prec {
            out.push(char::from(b'0' + digit(i)));
        }
    }
    out
}

fn special(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f < 0.0 {
        "-inf".into()
    } else {
        "inf".into()
    }
}

fn sign(f: f64) -> String {
    if f.is_sign_negative() {
        "-".into()
    } else {
        String::new()
    }
}

fn push_zeros(out: &mut String, n: i64) {
    for _ in 0..n {
        out.push('0');
    }
}

fn push_digits(out: &mut String, digits: &[u8]) {
    out.extend(digits.iter().map(|&d| char::from(b'0' + d)));
}

/// The exact decimal value of a finite `|f|`: digits without leading or trailing zeros (none for
/// zero) and `exp`, the value being 0.digits × 10^exp.
fn finite(f: f64) -> Option<(Vec<u8>, i64)> {
    if !f.is_finite() {
        return None;
    }
    let bits = f.to_bits();
    let frac = bits & ((1 << 52) - 1);
    let biased = ((bits >> 52) & 0x7FF) as i64;
    let (m, e2) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    };
    let mut big = Big(vec![m as u32, (m >> 32) as u32]);
    big.trim();
    let mut scale = 0;
    if e2 >= 0 {
        big.shl(e2 as u32);
    } else {
        // m × 2^e2 = m × 5^-e2 / 10^-e2
        for _ in 0..-e2 {
            big.mul_add(5, 0);
        }
        scale = -e2;
    }
    let mut digits = Vec::new();
    while !big.is_zero() {
        let mut chunk = big.div_small(1_000_000_000);
        for _ in 0..9 {
            digits.push((chunk % 10) as u8);
            chunk /= 10;
        }
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    digits.reverse();
    let exp = digits.len() as i64 - scale;
    while digits.last() == Some(&0) {
        digits.pop();
    }
    Some((digits, exp))
}

/// The shortest digits that read back as `f` (positive, finite, not zero), the nearest of them
/// if two qualify (halfway goes up), as the standard library's Grisu and Dragon give.
fn shortest(f: f64, exact: Vec<u8>, exp: i64) -> (Vec<u8>, i64) {
    let reads_back = |d: &[u8], e: i64| value(d, e - d.len() as i64).to_bits() == f.to_bits();
    for p in 1..exact.len() {
        let down = &exact[..p];
        let mut up = down.to_vec();
        let mut up_exp = exp;
        let mut i = p;
        loop {
            if i == 0 {
                up.insert(0, 1);
                up.pop();
                up_exp += 1;
                break;
            }
            i -= 1;
            if up[i] == 9 {
                up[i] = 0;
            } else {
                up[i] += 1;
                break;
            }
        }
        let take_up = match (reads_back(down, exp), reads_back(&up, up_exp)) {
            (false, false) => continue,
            (true, false) => false,
            (false, true) => true,
            // Halfway rounds up, as the standard library's shortest mode does.
            (true, true) => exact[p] >= 5,
        };
        let (mut d, e) = if take_up {
            (up, up_exp)
        } else {
            (down.to_vec(), exp)
        };
        while d.last() == Some(&0) {
            d.pop();
        }
        return (d, e);
    }
    (exact, exp)
}

/// Significant digits kept: a decimal that decides between two `f64` has at most 767, so later
/// digits only matter as "more than zero".
const MAX_DIGITS: usize = 800;

/// `digits [. digits] [(e|E) [+|-] digits]` with at least one mantissa digit, unsigned.
fn decimal(s: &[u8]) -> Option<f64> {
    let mut digits: Vec<u8> = Vec::new();
    let mut dropped: i64 = 0;
    let mut sticky = false;
    let mut fraction: i64 = 0;
    let mut count = 0;
    let mut i = 0;
    let mut in_fraction = false;
    while i < s.len() {
        let c = s[i];
        if c == b'.' && !in_fraction {
            in_fraction = true;
        } else if c.is_ascii_digit() {
            count += 1;
            fraction += i64::from(in_fraction);
            let d = c - b'0';
            if digits.is_empty() && d == 0 {
                // A leading zero adds nothing to the integer the digits spell.
            } else if digits.len() < MAX_DIGITS {
                digits.push(d);
            } else {
                dropped += 1;
                sticky |= d != 0;
            }
        } else {
            break;
        }
        i += 1;
    }
    if count == 0 {
        return None;
    }
    let mut exp: i64 = 0;
    if i < s.len() {
        if s[i] != b'e' && s[i] != b'E' {
            return None;
        }
        i += 1;
        let negative = s.get(i) == Some(&b'-');
        if matches!(s.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if !s.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while let Some(&c) = s.get(i).filter(|c| c.is_ascii_digit()) {
            // As the standard parser: the exponent stops growing once it passes 0x10000.
            if exp < 0x10000 {
                exp = 10 * exp + i64::from(c - b'0');
            }
            i += 1;
        }
        if negative {
            exp = -exp;
        }
        if i != s.len() {
            return None;
        }
    }
    let mut e10 = exp - fraction + dropped;
    if sticky {
        digits.push(1);
        e10 -= 1;
    }
    while digits.last() == Some(&0) {
        digits.pop();
        e10 += 1;
    }
    Some(value(&digits, e10))
}

/// The `f64` nearest `digits × 10^e10` (ties to even); `digits` has no leading zero.
fn value(digits: &[u8], e10: i64) -> f64 {
    let n = digits.len() as i64;
    if n == 0 || n + e10 <= -324 {
        return 0.0; // below half the smallest subnormal
    }
    if n - 1 + e10 >= 309 {
        return f64::INFINITY;
    }
    if n <= 15 && (-22..=22).contains(&e10) {
        // Both the digits and the power of ten are exact, so one rounding gives the answer.
        let m = digits.iter().fold(0u64, |a, &d| a * 10 + u64::from(d)) as f64;
        let p = POW10[e10.unsigned_abs() as usize];
        return if e10 < 0 { m / p } else { m * p };
    }
    let mut num = Big(vec![]);
    for &d in digits {
        num.mul_add(10, u32::from(d));
    }
    let mut den = Big(vec![1]);
    if e10 >= 0 {
        num.mul_pow10(e10 as u32);
    } else {
        den.mul_pow10(e10.unsigned_abs() as u32);
    }
    // Scale so that the quotient has 57 or 58 bits, then divide bit by bit.
    let sh = 57 - (num.bits() as i64 - den.bits() as i64);
    if sh >= 0 {
        num.shl(sh as u32);
    } else {
        den.shl(sh.unsigned_abs() as u32);
    }
    let mut q: u64 = 0;
    for bit in (0..=58).rev() {
        let mut d = den.clone();
        d.shl(bit);
        if !num.less_than(&d) {
            num.sub(&d);
            q |= 1 << bit;
        }
    }
    let len = 64 - i64::from(q.leading_zeros());
    // The weight of the result's last bit: 53 significant bits, or fewer below 2^-1022.
    let w = (len - 1 - sh - 52).max(-1074);
    let drop = (w + sh) as u32; // at least 4
    let mut m = q.checked_shr(drop).unwrap_or(0);
    let half = q.checked_shr(drop - 1).unwrap_or(0) & 1 == 1;
    let below = match 1u64.checked_shl(drop - 1) {
        Some(b) => q & (b - 1) != 0,
        None => q != 0,
    };
    if half && (below || !num.is_zero() || m & 1 == 1) {
        m += 1;
    }
    // Subnormals (`m < 2^52`, `w = -1074`) and a carry into the next binade both come out right.
    let bits = (((w + 1074) as u64) << 52) + m;
    if bits >= f64::INFINITY.to_bits() {
        f64::INFINITY
    } else {
        f64::from_bits(bits)
    }
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// An unsigned big integer, 32-bit limbs, least significant first, no high zero limbs.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn mul_add(&mut self, mul: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(mul) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut k: u32) {
        while k > 0 {
            let step = k.min(9);
            self.mul_add(10u32.pow(step), 0);
            k -= step;
        }
    }

    fn bits(&self) -> u32 {
        match self.0.last() {
            Some(&top) => 32 * self.0.len() as u32 - top.leading_zeros(),
            None => 0,
        }
    }

    fn shl(&mut self, n: u32) {
        let (limbs, bits) = ((n / 32) as usize, n % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let v = *limb;
                *limb = (v << bits) | carry;
                carry = v >> (32 - bits);
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        if !self.0.is_empty() {
            self.0.splice(0..0, std::iter::repeat_n(0, limbs));
        }
    }

    fn less_than(&self, other: &Big) -> bool {
        if self.0.len() != other.0.len() {
            return self.0.len() < other.0.len();
        }
        for (a, b) in self.0.iter().rev().zip(other.0.iter().rev()) {
            if a != b {
                return a < b;
            }
        }
        false
    }

    /// `self -= other`, with `other <= self`.
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *limb = v.rem_euclid(1 << 32) as u32;
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    /// `self /= d`, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*limb);
            *limb = (v / u64::from(d)) as u32;
            rem = v % u64::from(d);
        }
        self.trim();
        rem as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) {
        let ours = parse_f64(s);
        let std = s.parse::<f64>().ok();
        assert_eq!(ours.map(f64::to_bits), std.map(f64::to_bits), "{s:?}");
    }

    #[test]
    fn grammar_matches_the_standard_parser() {
        for s in [
            "",
            "+",
            "-",
            ".",
            "+.",
            "-.",
            "e",
            "1e",
            "1e+",
            "1e-",
            "e5",
            ".e5",
            "1.e5",
            ".5e5",
            "1.",
            ".5",
            "0",
            "-0",
            "+0",
            "00",
            "0.0",
            "-0.0e-5",
            "1_0",
            " 1",
            "1 ",
            "1..2",
            "1.2.3",
            "1e5.5",
            "1e5e5",
            "0x10",
            "inf",
            "INF",
            "-inf",
            "+Inf",
            "infinity",
            "InFiNiTy",
            "-infinity",
            "infinit",
            "infinityy",
            "nan",
            "NaN",
            "-nan",
            "+NAN",
            "nanx",
            ".inf",
            ".nan",
            "1E5",
            "1e+05",
            "1e-05",
            "١",
            "1\u{0}",
            "3.14",
            "-2.5e-3",
            "+7e+2",
            "1e0",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "0e99999999999999999",
        ] {
            check(s);
        }
    }

    #[test]
    fn boundaries_match_the_standard_parser() {
        for s in [
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1.797693134862315708145274237317043567981e308",
            "1.797693134862315807937289714053034150799e308",
            "1.797693134862315807937289714053034150798e308",
            "2.2250738585072014e-308",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "2.4703282292062327209e-324",
            "2.47032822920623272088e-324",
            "5e-324",
            "3e-324",
            "2e-324",
            "1e-324",
            "1e-325",
            "1e308",
            "1e309",
            "1e310",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000000000000000000000001",
            "123456789012345678901234567890",
            "0.1",
            "0.2",
            "0.3",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "123456789012345e22",
            "1234567890123456e-22",
            "8.589973e9",
            "4.35679e-5",
            "7.2057594037927933e16",
        ] {
            check(s);
        }
        // Many digits, with the deciding digit past the kept ones.
        let long = format!("2.{}1e-308", "0".repeat(900));
        check(&long);
        let long = format!("9007199254740992.5{}1", "0".repeat(900));
        check(&long);
        let long = format!("9007199254740992.5{}", "0".repeat(900));
        check(&long);
        let long = format!("0.{}1e70000", "0".repeat(70000));
        check(&long);
        let long = format!("0.{}1e700000", "0".repeat(70000));
        check(&long);
        check(&"9".repeat(2000));
    }

    /// The exact decimal expansion of `m × 2^e`.
    fn exact(m: u64, e: i32) -> String {
        let mut big = Big(vec![m as u32, (m >> 32) as u32]);
        while big.0.last() == Some(&0) {
            big.0.pop();
        }
        let mut frac = 0;
        if e >= 0 {
            big.shl(e as u32);
        } else {
            for _ in 0..-e {
                big.mul_add(5, 0);
            }
            frac = -e;
        }
        let mut digits = Vec::new();
        while !big.is_zero() {
            let mut rem = 0u64;
            for limb in big.0.iter_mut().rev() {
                let v = (rem << 32) | u64::from(*limb);
                *limb = (v / 10) as u32;
                rem = v % 10;
            }
            while big.0.last() == Some(&0) {
                big.0.pop();
            }
            digits.push(b'0' + rem as u8);
        }
        digits.reverse();
        format!("{}e{}", String::from_utf8(digits).unwrap(), -frac)
    }

    #[test]
    fn halfway_and_random_values_match_the_standard_parser() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let bits = if i % 3 == 0 {
                x >> 12
            } else {
                x & 0x7FEF_FFFF_FFFF_FFFF
            };
            let f = f64::from_bits(bits);
            check(&format!("{f}"));
            check(&format!("{f:e}"));
            check(&format!("{f:.3e}"));
            check(&format!("{f:.17e}"));
            // The point halfway to the next float, and one digit either side of it.
            let (mant, exp) = if bits >> 52 == 0 {
                (bits & ((1 << 52) - 1), -1074)
            } else {
                (
                    (bits & ((1 << 52) - 1)) | (1 << 52),
                    (bits >> 52) as i32 - 1075,
                )
            };
            let half = exact(2 * mant + 1, exp - 1);
            check(&half);
            let (digits, e) = half.split_once('e').unwrap();
            check(&format!("{digits}1e{}", e.parse::<i32>().unwrap() - 1));
            if digits.len() > 1 && digits.ends_with(['1', '3', '5', '7', '9']) {
                let mut lower = digits.as_bytes().to_vec();
                *lower.last_mut().unwrap() -= 1;
                check(&format!("{}e{e}", String::from_utf8(lower).unwrap()));
            }
        }
    }

    #[test]
    fn short_decimals_match_the_standard_parser() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = x % 10_000_000_000_000_000_000;
            let len = (x >> 58) as usize % 25;
            let e = ((x >> 40) % 700) as i32 - 350;
            let d = format!("{digits}");
            let d = &d[..len.min(d.len()).max(1)];
            check(&format!("{d}e{e}"));
            check(&format!("0.{d}e{e}"));
        }
    }

    fn check_print(f: f64) {
        assert_eq!(display(f), format!("{f}"), "{:#x}", f.to_bits());
        for prec in [0, 1, 2, 3, 5] {
            assert_eq!(
                fixed(f, prec),
                format!("{f:.prec$}"),
                "{:#x} .{prec}",
                f.to_bits()
            );
        }
    }

    #[test]
    fn printing_matches_the_standard_library() {
        for f in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1.5,
            2.5,
            0.25,
            0.125,
            0.0625,
            0.0005,
            0.1,
            0.2,
            0.3,
            1e15,
            1e16,
            1e21,
            1e22,
            1e23,
            1e-7,
            9.5,
            99.5,
            99.95,
            99.9995,
            100.0,
            33.3333,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            1.7976931348623157e308,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            123456789.0,
            2f64.powi(60),
            2f64.powi(-60),
        ] {
            check_print(f);
        }
        let mut x: u64 = 0xD1B5_4A32_D192_ED03;
        for i in 0..4000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = match i % 4 {
                0 => f64::from_bits(x),
                1 => (x % 100_000) as f64 / 1000.0,
                2 => (x % 1_000_000) as f64 / (1 + (x >> 40) % 1_000_000) as f64 * 100.0,
                _ => f64::from_bits(x >> 2),
            };
            check_print(f);
        }
        // Powers of two sit at a binade edge, where the interval below is half as wide.
        for e in -1074..1024 {
            check_print(2f64.powi(e));
        }
    }
}

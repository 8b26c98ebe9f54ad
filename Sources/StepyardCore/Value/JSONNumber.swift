public import BigInt

/// An exact decimal number: `significand × 10^exponent`.
///
/// Stored normalised (the significand has no trailing decimal zeros; zero is `0 × 10^0`), so two
/// spellings of one value (`1`, `1.0`, `10e-1`) are equal and hash alike. Big integers and long
/// decimals keep every digit.
public struct JSONNumber: Sendable, Hashable {
    /// The digits, with sign, without trailing zeros.
    public let significand: BigInt
    /// The power of ten the significand is scaled by.
    public let exponent: Int

    /// Creates `significand × 10^exponent`, normalising trailing zeros into the exponent.
    public init(significand: BigInt, exponent: Int) {
        if significand.isZero {
            self.significand = 0
            self.exponent = 0
            return
        }
        var s = significand
        var e = exponent
        while true {
            let (q, r) = s.quotientAndRemainder(dividingBy: 10)
            if !r.isZero { break }
            s = q
            e += 1
        }
        self.significand = s
        self.exponent = e
    }

    /// Creates an integer.
    public init(_ value: Int) {
        self.init(significand: BigInt(value), exponent: 0)
    }

    /// Parses JSON number syntax (`-12`, `1.50`, `3e-7`, `1E+400`); also accepts a leading `+`.
    /// Returns `nil` for anything else (including `NaN`, `.inf`, hex).
    public init?(_ text: Substring) {
        var chars = text.utf8[...]
        var negative = false
        if let c = chars.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
            negative = c == UInt8(ascii: "-")
            chars = chars.dropFirst()
        }
        var digits = ""
        var sawDigit = false
        var fractionDigits = 0
        var inFraction = false
        var exponentPart = 0
        var index = chars.startIndex
        while index < chars.endIndex {
            let c = chars[index]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                digits.unicodeScalars.append(Unicode.Scalar(c))
                sawDigit = true
                if inFraction { fractionDigits += 1 }
            } else if c == UInt8(ascii: ".") && !inFraction {
                inFraction = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                let rest = Substring(chars[chars.index(after: index)...])
                guard sawDigit, !rest.isEmpty else { return nil }
                var expText = rest
                var expNegative = false
                if expText.first == "+" || expText.first == "-" {
                    expNegative = expText.first == "-"
                    expText = expText.dropFirst()
                }
                guard !expText.isEmpty, expText.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let e = Int(expText), e <= Self.exponentLimit else { return nil }
                exponentPart = expNegative ? -e : e
                index = chars.endIndex
                break
            } else {
                return nil
            }
            index = chars.index(after: index)
        }
        guard sawDigit, digits.utf8.count <= Self.digitLimit else { return nil }
        // Trailing zeros go into the exponent here, so the significand is normalised by one conversion.
        var trailingZeros = 0
        for c in digits.utf8.reversed() {
            guard c == UInt8(ascii: "0") else { break }
            trailingZeros += 1
        }
        if trailingZeros > 0 && trailingZeros < digits.utf8.count { digits.removeLast(trailingZeros) } else { trailingZeros = 0 }
        guard let magnitude = BigInt(digits) else { return nil }
        let exponent = exponentPart - fractionDigits + trailingZeros
        // Keeps later exponent arithmetic (normalising, comparing) clear of Int overflow.
        guard abs(exponent) <= Self.exponentLimit else { return nil }
        self.init(significand: negative ? -magnitude : magnitude, exponent: exponent)
    }

    /// The largest decimal exponent magnitude accepted when parsing text (far beyond any `Double`).
    static let exponentLimit = 1 << 40

    /// The most digits a number literal may have. Converting decimal digits to a big integer (and back) costs the
    /// square of their count, so an unbounded literal is a way to stall a parser; a thousand digits is far past
    /// any value a Tekton document or a parameter schema needs (`Double` has 17 significant digits, the JSON Schema suite's longest literal 78).
    public static let digitLimit = 1000

    /// The decimal digits in a literal's spelling (what `digitLimit` counts).
    public static func digitCount(_ text: some Collection<UInt8>) -> Int {
        text.reduce(0) { $0 + ($1 >= UInt8(ascii: "0") && $1 <= UInt8(ascii: "9") ? 1 : 0) }
    }

    /// Converts a finite `Double` through its shortest exact decimal spelling.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.init(Substring(value.description))
    }

    /// `true` when the value has no fractional part.
    public var isInteger: Bool { exponent >= 0 }

    /// `true` when the value is below zero.
    public var isNegative: Bool { significand.signum() < 0 }

    /// The nearest `Double` (may be infinite or lose digits for extreme values).
    public var doubleValue: Double { Double(description) ?? (isNegative ? -.infinity : .infinity) }

    /// The value as an `Int`, when it is an integer that fits.
    public var intValue: Int? {
        guard isInteger, exponent < 20 else { return nil }
        var value = significand
        for _ in 0..<exponent { value *= 10 }
        return Int(exactly: value)
    }
}

extension JSONNumber: Comparable {
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        let ls = lhs.significand.signum(), rs = rhs.significand.signum()
        if ls != rs { return ls < rs }
        if ls == 0 { return false }
        // Same sign: compare magnitudes, then flip for negatives.
        let lessInMagnitude = Self.magnitudeLess(lhs, rhs)
        let greaterInMagnitude = Self.magnitudeLess(rhs, lhs)
        return ls > 0 ? lessInMagnitude : greaterInMagnitude
    }

    private static func magnitudeLess(_ a: JSONNumber, _ b: JSONNumber) -> Bool {
        let da = a.significand.magnitude.description.count, db = b.significand.magnitude.description.count
        // Order of magnitude first: avoids materialising 10^exponent for extreme exponents.
        let ma = da + a.exponent, mb = db + b.exponent
        if ma != mb { return ma < mb }
        let e = min(a.exponent, b.exponent)
        let sa = a.significand.magnitude * BigUInt(10).power(a.exponent - e)
        let sb = b.significand.magnitude * BigUInt(10).power(b.exponent - e)
        return sa < sb
    }
}

extension JSONNumber: CustomStringConvertible {
    /// Canonical spelling: integers without exponent when short (`100`), decimals with a point
    /// (`0.25`), scientific notation for extreme exponents (`1e+400`).
    public var description: String {
        let sign = significand.signum() < 0 ? "-" : ""
        let digits = significand.magnitude.description
        if exponent >= 0 {
            if exponent <= 21 { return sign + digits + String(repeating: "0", count: exponent) }
            return sign + Self.scientific(digits, exponent)
        }
        let point = digits.count + exponent
        if point > 0 {
            let i = digits.index(digits.startIndex, offsetBy: point)
            return sign + digits[..<i] + "." + digits[i...]
        }
        if point > -7 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        return sign + Self.scientific(digits, exponent)
    }

    private static func scientific(_ digits: String, _ exponent: Int) -> String {
        let e = exponent + digits.count - 1
        let mantissa = digits.count == 1 ? digits : String(digits.prefix(1)) + "." + digits.dropFirst()
        return mantissa + "e" + (e >= 0 ? "+" : "") + String(e)
    }
}

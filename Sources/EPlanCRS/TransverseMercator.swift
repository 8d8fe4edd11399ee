import EPlanGeometry
#if canImport(Glibc)
import Glibc
#endif

/// UTM on the WGS 84 ellipsoid, computed here instead of by PROJ.
///
/// Most pins and lookups arrive as UTM 47N/48N from GPS units; opening libproj and
/// building a PROJ operation costs ~20 ms per process, far more than the lookup itself.
/// This is Krüger's series to sixth order in n with Karney's (2011) exact conformal
/// latitude: accurate to a few nanometres within UTM zones (the tests compare it with
/// PROJ's `cs2cs` at ≤ 1 mm). Other CRSs (Indian 1975's datum shifts, Web Mercator) go
/// through PROJ.
struct TransverseMercator: Sendable {
    let zone: Int
    private let lon0: Double
    private static let a = 6378137.0
    private static let f = 1 / 298.257223563
    private static let k0 = 0.9996
    private static let falseEasting = 500000.0
    private static let n = f / (2 - f)
    private static let e = (f * (2 - f)).squareRoot()
    private static let rectifyingRadius: Double = {
        let n2 = n * n
        return a / (1 + n) * (1 + n2 / 4 + n2 * n2 / 64 + n2 * n2 * n2 / 256)
    }()
    private static let alpha: [Double] = {
        let n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n
        return [
            n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180 - 127 * n5 / 288 + 7891 * n6 / 37800,
            13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440 + 281 * n5 / 630 - 1983433 * n6 / 1935360,
            61 * n3 / 240 - 103 * n4 / 140 + 15061 * n5 / 26880 + 167603 * n6 / 181440,
            49561 * n4 / 161280 - 179 * n5 / 168 + 6601661 * n6 / 7257600,
            34729 * n5 / 80640 - 3418889 * n6 / 1995840,
            212378941 * n6 / 319334400,
        ]
    }()
    private static let beta: [Double] = {
        let n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n
        return [
            n / 2 - 2 * n2 / 3 + 37 * n3 / 96 - n4 / 360 - 81 * n5 / 512 + 96199 * n6 / 604800,
            n2 / 48 + n3 / 15 - 437 * n4 / 1440 + 46 * n5 / 105 - 1118711 * n6 / 3870720,
            17 * n3 / 480 - 37 * n4 / 840 - 209 * n5 / 4480 + 5569 * n6 / 90720,
            4397 * n4 / 161280 - 11 * n5 / 504 - 830251 * n6 / 7257600,
            4583 * n5 / 161280 - 108847 * n6 / 3991680,
            20648693 * n6 / 638668800,
        ]
    }()

    /// Northern-hemisphere UTM zone `zone` (Thailand: 47 or 48).
    init(zone: Int) {
        self.zone = zone
        lon0 = Double(zone * 6 - 183) * .pi / 180
    }

    /// lon/lat degrees → easting/northing metres.
    func forward(_ c: Coordinate) -> Coordinate {
        let phi = c.y * .pi / 180, lam = c.x * .pi / 180 - lon0
        let s = sin(phi)
        let t = sinh(atanh(s) - Self.e * atanh(Self.e * s))
        let xi1 = atan2(t, cos(lam))
        let eta1 = atanh(sin(lam) / (1 + t * t).squareRoot())
        var xi = xi1, eta = eta1
        for j in 1...6 {
            let a = Self.alpha[j - 1], k = 2 * Double(j)
            xi += a * sin(k * xi1) * cosh(k * eta1)
            eta += a * cos(k * xi1) * sinh(k * eta1)
        }
        return Coordinate(Self.falseEasting + Self.k0 * Self.rectifyingRadius * eta,
                          Self.k0 * Self.rectifyingRadius * xi)
    }

    /// easting/northing metres → lon/lat degrees.
    func inverse(_ c: Coordinate) -> Coordinate {
        let xi = c.y / (Self.k0 * Self.rectifyingRadius)
        let eta = (c.x - Self.falseEasting) / (Self.k0 * Self.rectifyingRadius)
        var xi1 = xi, eta1 = eta
        for j in 1...6 {
            let b = Self.beta[j - 1], k = 2 * Double(j)
            xi1 -= b * sin(k * xi) * cosh(k * eta)
            eta1 -= b * cos(k * xi) * sinh(k * eta)
        }
        let lam = atan2(sinh(eta1), cos(xi1))
        // tan of the conformal latitude, then Newton's method for tan φ (Karney 2011, eq. 19-21).
        let tauPrime = sin(xi1) / (sinh(eta1) * sinh(eta1) + cos(xi1) * cos(xi1)).squareRoot()
        let e2 = Self.e * Self.e
        var tau = tauPrime
        for _ in 0..<5 {
            let sqrt1 = (1 + tau * tau).squareRoot()
            let sigma = sinh(Self.e * atanh(Self.e * tau / sqrt1))
            let tauI = tau * (1 + sigma * sigma).squareRoot() - sigma * sqrt1
            let dTau = (tauPrime - tauI) / (1 + tauI * tauI).squareRoot()
                * (1 + (1 - e2) * tau * tau) / ((1 - e2) * sqrt1)
            tau += dTau
            if abs(dTau) < 1e-14 { break }
        }
        return Coordinate((lam + lon0) * 180 / .pi, atan(tau) * 180 / .pi)
    }
}

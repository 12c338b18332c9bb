/// cbam's version: what `cbam --version` prints. Raised with each release (issue 13 is 0.13).
public enum CBAMVersion {
    public static let current = "0.13.0"
}

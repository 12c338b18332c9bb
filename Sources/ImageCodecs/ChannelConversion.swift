extension Image {
    /// The image with `target` channels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).
    ///
    /// - Colour to grey is ITU-R BT.601 luma, rounded:
    ///   (299 R + 587 G + 114 B + 500) / 1000.
    /// - Grey to colour copies the grey value into R, G and B.
    /// - Dropping alpha composites over white (255), as decoding does:
    ///   (value * alpha + 255 * (255 - alpha) + 127) / 255, before any luma.
    /// - Adding alpha makes every pixel opaque (255).
    public func converted(toChannels target: Int) -> Image {
        precondition((1...4).contains(target), "an image has 1 to 4 channels")
        if target == channels { return self }
        var converted = Image(width: width, height: height, channels: target)
        let source = channels
        let sourceAlpha = source == 2 || source == 4, targetAlpha = target == 2 || target == 4
        let composite = sourceAlpha && !targetAlpha
        pixels.withUnsafeBufferPointer { input in
            converted.pixels.withUnsafeMutableBufferPointer { output in
                var from = input.baseAddress!, to = output.baseAddress!
                for _ in 0..<(width * height) {
                    var red = UInt32(from[0]), green = red, blue = red
                    if source >= 3 { green = UInt32(from[1]); blue = UInt32(from[2]) }
                    let alpha = sourceAlpha ? UInt32(from[source - 1]) : 255
                    if composite {
                        let background = 255 * (255 - alpha) + 127
                        red = (red * alpha + background) / 255
                        green = (green * alpha + background) / 255
                        blue = (blue * alpha + background) / 255
                    }
                    if target >= 3 {
                        to[0] = UInt8(truncatingIfNeeded: red)
                        to[1] = UInt8(truncatingIfNeeded: green)
                        to[2] = UInt8(truncatingIfNeeded: blue)
                    } else {
                        to[0] = UInt8(truncatingIfNeeded: source >= 3 ? (299 * red + 587 * green + 114 * blue + 500) / 1000 : red)
                    }
                    if targetAlpha { to[target - 1] = UInt8(truncatingIfNeeded: alpha) }
                    from += source
                    to += target
                }
            }
        }
        return converted
    }
}

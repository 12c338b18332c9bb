/// What an ONNX model needs beside its graph to be used, as `metadata_props`: the
/// class names, how to prepare an image, and where the model came from. Values are
/// strings; lists are JSON arrays, as in a cbam model file's own metadata.
enum ONNXMetadata {
    static func properties(of metadata: ModelMetadata, modelFile: String) -> [(key: String, value: String)] {
        let configuration = metadata.configuration
        let stored = metadata.strings
        let transform = metadata.transform
        let size = configuration.imageSize
        let colour = configuration.channels == 1 ? "grey" : "RGB"
        return [
            ("classes", stored["classes"]!),
            ("mean", stored["mean"]!),
            ("std", stored["std"]!),
            ("image_size", String(size)),
            ("channels", String(configuration.channels)),
            ("transform", transform.rawValue),
            ("preprocessing", "convert the image to \(counted(configuration.channels, "channel")) (\(colour)); "
                + "take \(transform.summary(imageSize: size))"
                + "; scale pixels to [0, 1]; subtract 'mean' and divide by 'std' per channel; lay out as N×C×H×W float32"),
            ("architecture", configuration.architecture.rawValue),
            ("attention", configuration.attention.rawValue),
            ("source_model", modelFile),
        ]
    }
}

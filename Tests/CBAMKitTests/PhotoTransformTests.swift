import Foundation
import XCTest
import ImageCodecs
import CBAMKit

/// The photo transforms (DESIGN.md, "Photo transforms"): the evaluation transform against
/// torchvision, the random-resized crop's bounds and seeding, the transform kept by the
/// model file and used to classify, and a photo-like folder trained at S = 64.
final class PhotoTransformTests: XCTestCase {
    // MARK: - Defaults, decided in one place

    func testDefaultsFollowTheImageSize() {
        XCTAssertEqual(ImageTransform.default(imageSize: 28), .fitWhole)
        XCTAssertEqual(ImageTransform.default(imageSize: 48), .fitWhole)
        XCTAssertEqual(ImageTransform.default(imageSize: 49), .photo)
        XCTAssertEqual(ImageTransform.default(imageSize: 224), .photo)
        XCTAssertEqual(ImageTransform.resizedShorterSide(imageSize: 224), 256)
        XCTAssertEqual(ImageTransform.resizedShorterSide(imageSize: 64), 73)
        XCTAssertEqual(TrainingOptions.defaults(for: ModelConfiguration(imageSize: 32)).transform, .fitWhole)
        XCTAssertEqual(TrainingOptions.defaults(for: ModelConfiguration(imageSize: 64)).transform, .photo)

        // The ViT's patch side: S/8 (64 patches), never below 4, always a divisor of S.
        for (size, patch) in [(28, 4), (32, 4), (48, 6), (64, 8), (96, 12), (224, 28), (100, 10)] {
            XCTAssertEqual(ModelConfiguration.Architecture.defaultPatchSize(imageSize: size), patch, "S = \(size)")
            XCTAssertEqual(ModelConfiguration(kind: .vit, imageSize: size).patchSize, patch, "S = \(size)")
        }
        // A size the bounds refuse is not searched for divisors (an option's value can be 2⁶²).
        XCTAssertEqual(ModelConfiguration.Architecture.defaultPatchSize(imageSize: 1 << 62), 1 << 59)
        XCTAssertNoThrow(try ModelConfiguration(kind: .vit, imageSize: 224).validate())
        XCTAssertEqual(224 / ModelConfiguration(kind: .vit, imageSize: 224).patchSize, 8, "8×8 = 64 patches, not 3 136")
    }

    // MARK: - Evaluation: torchvision's Resize(round(S/0.875)) + CenterCrop(S)

    /// Fixtures from Tests/PyTorch/make_photo_fixtures.py (torchvision on Pillow images).
    func testEvaluationTransformMatchesTorchvision() throws {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("photos")
        var compared = 0
        for name in ["landscape", "portrait", "square", "grey"] {
            let source = try Image(contentsOf: folder.appendingPathComponent("\(name).png").path)
            for size in [56, 64] {
                let expected = try Image(contentsOf: folder.appendingPathComponent("\(name)_S\(size).png").path)
                let result = ImageTransform.photo.fitted(source, channels: source.channels, imageSize: size)
                XCTAssertEqual([result.width, result.height, result.channels], [size, size, expected.channels], "\(name) S = \(size)")
                guard result.pixels.count == expected.pixels.count else { continue }
                let worst = zip(result.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max()!
                XCTAssertLessThanOrEqual(worst, 1, "\(name) (\(source.width)×\(source.height)) at S = \(size)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 8)
    }

    func testCentreCropRoundsAsTorchvision() {
        let image = Image(width: 5, height: 4, channels: 1, pixels: (0..<20).map(UInt8.init))
        let preprocessing = Preprocessing(channels: 1, imageSize: 2, mean: [0], std: [1], transform: .photo)
        // S = 2: R = round(2/0.875) = 2, so the 5×4 image is resized to 2 (shorter) × int(2·5/4) = 2: no crop.
        XCTAssertEqual([preprocessing.fitted(image).width, preprocessing.fitted(image).height], [2, 2])
        // The same 7×4 shape at S = 4 (R = 5): resized to 8×5, the crop at x = round(2) = 2, y = round(0.5) = 0.
        let wide = Image(width: 7, height: 4, channels: 1, pixels: (0..<28).map { UInt8($0 * 9) })
        let resized = wide.resized(width: 8, height: 5)
        XCTAssertEqual(ImageTransform.photo.fitted(wide, channels: 1, imageSize: 4),
                       resized.cropped(x: 2, y: 0, width: 4, height: 4))
    }

    func testVisibleRegionIsTheCentreCropsSource() {
        // 120×70 at S = 56: R = 64, stored 109×64, crop at (round(26.5) = 26, 4); back in the
        // image's pixels ×120/109 and ×70/64: columns 29..<90, rows 4..<66.
        XCTAssertEqual(ImageTransform.photo.visibleRegion(width: 120, height: 70, imageSize: 56),
                       PixelBox(x: 29, y: 4, width: 61, height: 62))
        XCTAssertEqual(ImageTransform.fitWhole.visibleRegion(width: 120, height: 70, imageSize: 56),
                       PixelBox(x: 0, y: 0, width: 120, height: 70))
        let preprocessing = Preprocessing(channels: 1, imageSize: 56, mean: [0], std: [1], transform: .photo)
        let part = preprocessing.visiblePart(of: Image(width: 120, height: 70, channels: 1))
        XCTAssertEqual([part.width, part.height], [61, 62])
        for (width, height) in [(64, 64), (1000, 30), (30, 1000), (57, 300)] {
            let box = ImageTransform.photo.visibleRegion(width: width, height: height, imageSize: 56)
            XCTAssertTrue(box.x >= 0 && box.y >= 0 && box.width > 0 && box.height > 0
                          && box.x + box.width <= width && box.y + box.height <= height, "\(box) in \(width)×\(height)")
        }
    }

    // MARK: - Training: the random-resized crop

    func testRandomResizedCropStaysInTheImageWithinItsBounds() {
        var generator = RandomGenerator(seed: 3)
        var fallbacks = 0, draws = 0
        for (width, height) in [(73, 73), (110, 73), (73, 146), (300, 73), (73, 600), (5, 5), (1, 1), (2, 9)] {
            for _ in 0..<2000 {
                let box = Augmentation.randomResizedCrop(width: width, height: height, using: &generator)
                draws += 1
                XCTAssertTrue(box.x >= 0 && box.y >= 0 && box.width >= 1 && box.height >= 1
                              && box.x + box.width <= width && box.y + box.height <= height, "\(box) in \(width)×\(height)")
                let isCentred = box.x == (width - box.width) / 2 && box.y == (height - box.height) / 2
                    && (box.width == width || box.height == height)
                // Rounding each side to a pixel moves the share and the ratio by at most half a pixel a side.
                let share = Double(box.width * box.height) / Double(width * height)
                let slack = 0.5 / Double(min(box.width, box.height)) * 2.5
                let ratio = Double(box.width) / Double(box.height)
                let inBounds = share >= 0.25 * (1 - slack) && share <= 1
                    && ratio >= 0.75 * (1 - slack) && ratio <= 4.0 / 3 * (1 + slack)
                if !inBounds { fallbacks += 1 }
                XCTAssertTrue(inBounds || isCentred, "\(box) in \(width)×\(height): share \(share), ratio \(ratio)")
            }
        }
        XCTAssertLessThan(fallbacks, draws / 4)

        // Over many draws on a square photo the shares and ratios fill their ranges.
        var shares: [Double] = [], ratios: [Double] = []
        for _ in 0..<4000 {
            let box = Augmentation.randomResizedCrop(width: 200, height: 200, using: &generator)
            shares.append(Double(box.width * box.height) / 40_000)
            ratios.append(Double(box.width) / Double(box.height))
        }
        XCTAssertLessThan(shares.min()!, 0.27)
        XCTAssertGreaterThan(shares.max()!, 0.95)
        XCTAssertLessThan(ratios.min()!, 0.77)
        XCTAssertGreaterThan(ratios.max()!, 1.30)
        // Log-uniform: as many crops wider than tall as taller than wide.
        let wider = ratios.filter { $0 > 1.01 }.count, taller = ratios.filter { $0 < 0.99 }.count
        XCTAssertLessThan(abs(wider - taller), 400)
    }

    func testPhotoAugmentationIsAFunctionOfSeedEpochAndIndex() throws {
        let folder = try PhotoLikeFolder(perClass: 4)
        defer { folder.remove() }
        let split = try DataSplit(root: folder.root.path, validationShare: 0, seed: 0)
        let set = ImageSet.load(split.training, imageSize: 64, channels: 3, transform: .photo, cacheBytes: 1 << 26) { XCTFail("\($0)") }
        XCTAssertEqual(set.count, 12)
        // Stored with the shorter side round(64/0.875) = 73 and the aspect kept.
        for i in 0..<set.count {
            let image = try set.image(i)
            XCTAssertEqual(min(image.width, image.height), 73)
            XCTAssertEqual(try set.fittedImage(i).width, 64)
        }
        let preprocessing = Preprocessing(channels: 3, imageSize: 64, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], transform: .photo)
        let augmentation = Augmentation(padding: 8, flip: true, colourJitter: 0.4)
        func batch(seed: UInt64, epoch: Int) throws -> [Float] {
            let batches = Batches.training(set, preprocessing: preprocessing, batchSize: 6, augmentation: augmentation,
                                           seed: seed, epoch: epoch)
            return try (0..<batches.count).flatMap { try batches.batch($0).images.scalars }
        }
        let first = try batch(seed: 1, epoch: 0)
        XCTAssertEqual(first, try batch(seed: 1, epoch: 0))
        XCTAssertNotEqual(first, try batch(seed: 1, epoch: 1))
        XCTAssertNotEqual(first, try batch(seed: 2, epoch: 0))

        // Each draw is a function of the generator alone: the same state, the same draw.
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        XCTAssertEqual(augmentation.photoDraw(width: 97, height: 73, using: &a), augmentation.photoDraw(width: 97, height: 73, using: &b))
        let draw = augmentation.photoDraw(width: 97, height: 73, using: &a)
        for factor in [draw.brightness, draw.contrast, draw.saturation] { XCTAssertTrue((0.6...1.4).contains(factor)) }

        // Evaluation batches are the centre crops.
        let evaluation = try Batches.evaluation(set, preprocessing: preprocessing, batchSize: 12).batch(0)
        XCTAssertEqual(Array(evaluation.images.scalars.prefix(3 * 64 * 64)),
                       try set.fittedImage(0).chw(mean: preprocessing.mean, std: preprocessing.std))
    }

    func testColourJitterOrderAndNeutralFactors() {
        let image = Image(width: 3, height: 1, channels: 3, pixels: [200, 100, 50, 10, 20, 30, 255, 255, 255])
        XCTAssertEqual(Augmentation.jittered(image, brightness: 1, contrast: 1, saturation: 1), image)
        XCTAssertEqual(Augmentation.jittered(image, brightness: 0.5, contrast: 1, saturation: 1).pixels,
                       [100, 50, 25, 5, 10, 15, 128, 128, 128])
        // Saturation 0 leaves each pixel's grey (BT.601 luma).
        let grey = Augmentation.jittered(image, brightness: 1, contrast: 1, saturation: 0)
        XCTAssertEqual(Array(grey.pixels[0..<3]), [124, 124, 124])   // 0.299·200 + 0.587·100 + 0.114·50 = 124.2
    }

    // MARK: - The model file keeps the transform; classification uses it

    func testTransformRoundTripsThroughTheModelFileAndClassifies() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-photo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = ModelConfiguration(attention: .cbam, channels: 3, imageSize: 56, classes: 2, width: 4)
        let url = folder.appendingPathComponent("photo.safetensors")
        try ModelFile.save(configuration.makeModel(seed: 2),
                           metadata: ModelMetadata(configuration: configuration, classNames: ["a", "b"], mean: [0.5, 0.4, 0.3],
                                                   std: [0.2, 0.2, 0.2], transform: .photo), to: url)
        var raw = try SafeTensors(contentsOf: url)
        XCTAssertEqual(raw.metadata["transform"], "photo")
        let trained = try TrainedModel(contentsOf: url)
        XCTAssertEqual(trained.metadata.transform, .photo)
        XCTAssertEqual(trained.preprocessing.transform, .photo)

        // Classification prepares a 120×70 photo as the centre crop, not the whole image squashed.
        var pixels = [UInt8](repeating: 0, count: 120 * 70 * 3)
        for i in pixels.indices { pixels[i] = UInt8((i * 37 + i / 360 * 11) % 256) }
        let photo = Image(width: 120, height: 70, channels: 3, pixels: pixels)
        let crop = ImageTransform.photo.fitted(photo, channels: 3, imageSize: 56)
        let whole = ImageTransform.fitWhole.fitted(photo, channels: 3, imageSize: 56)
        func probabilities(_ input: Image) -> [[Float]] {
            let tensor = Tensor(shape: [1, 3, 56, 56])
            input.writeCHW(into: tensor.data, mean: trained.metadata.mean, std: trained.metadata.std)
            return TrainedModel.softmaxRows(trained.network.forward(tensor, .inference))
        }
        XCTAssertEqual(trained.probabilities([photo]), probabilities(crop))
        XCTAssertNotEqual(trained.probabilities([photo]), probabilities(whole))

        // A file without the key (written before it existed) is fit-whole.
        raw.metadata["transform"] = nil
        try raw.write(to: url)
        XCTAssertEqual(try TrainedModel(contentsOf: url).metadata.transform, .fitWhole)
        raw.metadata["transform"] = "squash"
        try raw.write(to: url)
        XCTAssertThrowsError(try TrainedModel(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("transform"), "\(error)")
        }
    }

    func testCheckpointOptionsWithoutTheTransformReadAsFitWhole() throws {
        var options = TrainingOptions.defaults(for: ModelConfiguration(imageSize: 64))
        options.augmentation.colourJitter = 0.2
        let data = try JSONEncoder().encode(options)
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: data), options)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["transform"] = nil
        var augmentation = try XCTUnwrap(object["augmentation"] as? [String: Any])
        augmentation["colourJitter"] = nil
        object["augmentation"] = augmentation
        let old = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(old.transform, .fitWhole)
        XCTAssertEqual(old.augmentation.colourJitter, 0)
    }

    func testColourJitterIsBoundedAndForPhotos() {
        var options = TrainingOptions.defaults(for: ModelConfiguration(imageSize: 64))
        options.augmentation.colourJitter = 0.4
        XCTAssertNoThrow(try options.validate())
        options.augmentation.colourJitter = 1.5
        XCTAssertThrowsError(try options.validate())
        options.augmentation.colourJitter = 0.4
        options.transform = .fitWhole
        XCTAssertThrowsError(try options.validate())
    }

    // MARK: - A photo-like folder trains at S = 64 and classifies

    func testPhotoLikeFolderTrainsAndClassifies() throws {
        let folder = try PhotoLikeFolder(perClass: 6)
        defer { folder.remove() }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-photo-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: output) }

        let split = try DataSplit(root: folder.root.path, validationShare: 0.25, seed: 0)
        var options = TrainingOptions.defaults(for: ModelConfiguration(kind: .cbam, channels: 3, imageSize: 64, classes: 3), epochs: 2, seed: 4)
        options.model.width = 4
        options.batchSize = 4
        options.augmentation.colourJitter = 0.3
        XCTAssertEqual(options.transform, .photo)
        try options.validate()
        let training = ImageSet.load(split.training, imageSize: 64, channels: nil, transform: options.transform, cacheBytes: 1 << 26) { XCTFail("\($0)") }
        let validation = ImageSet.load(split.validation, imageSize: 64, channels: training.channels, transform: options.transform,
                                       cacheBytes: 1 << 26) { XCTFail("\($0)") }
        XCTAssertEqual(training.channels, 3, "colour and grey images together train in colour")
        let modelURL = output.appendingPathComponent("photos.safetensors")
        let trainer = try Trainer(options: options, classNames: split.classNames, training: training, validation: validation,
                                  modelURL: modelURL)
        XCTAssertEqual(try trainer.run(), .finished)
        XCTAssertTrue(trainer.state.history.allSatisfy { $0.trainLoss.isFinite })

        let trained = try TrainedModel(contentsOf: modelURL)
        XCTAssertEqual(trained.metadata.transform, .photo)
        let images = try split.validation.map { try Image(contentsOf: $0.path) }
        let probabilities = trained.probabilities(images)
        XCTAssertEqual(probabilities.count, images.count)
        for row in probabilities {
            XCTAssertEqual(row.count, 3)
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-4)
        }
    }
}

/// A photo-like folder: three classes (reddish, greenish, bluish scenes with a disc),
/// images of six sizes, landscape, portrait and square, every fourth one grey (PNG).
struct PhotoLikeFolder {
    static let classNames = ["blue", "green", "red"]
    let root: URL

    init(perClass: Int, seed: UInt64 = 7) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-photos-\(UUID().uuidString)")
        var generator = RandomGenerator(seed: seed)
        for (label, name) in Self.classNames.enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let shapes = [(97, 71), (64, 120), (88, 88), (150, 80), (70, 101), (81, 66)]
                let (width, height) = shapes[(i + label) % shapes.count]
                let grey = i % 4 == 3
                var pixels = [UInt8](repeating: 0, count: width * height * 3)
                let (cx, cy) = (Int(generator.next() % UInt64(width)), Int(generator.next() % UInt64(height)))
                let radius = min(width, height) / 4
                for y in 0..<height {
                    for x in 0..<width {
                        let inDisc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius
                        for c in 0..<3 {
                            let base = c == 2 - label ? 170 : 60
                            let shade = base + (x + y) % 40 + Int(generator.nextUniform() * 30) - (inDisc ? 50 : 0)
                            pixels[(y * width + x) * 3 + c] = UInt8(clamping: shade)
                        }
                    }
                }
                var image = Image(width: width, height: height, channels: 3, pixels: pixels)
                if grey { image = image.converted(toChannels: 1) }
                try image.writePNG(to: folder.appendingPathComponent(String(format: "%03d.png", i)).path)
            }
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

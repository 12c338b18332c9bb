import Foundation

/// Images [N, C, S, S] and their labels.
public struct Batch {
    public var images: Tensor
    public var labels: [Int]
}

/// An epoch of an ImageSet in batches. Training batches follow a seeded
/// permutation of the images and are augmented as the preprocessing's transform says
/// (`Augmentation.write` for small images, `writePhoto` for photos); the random draws come from
/// (seed, epoch, batch) alone, so any batch can be rebuilt after a resume.
///
/// In a data-parallel run each rank prepares its `shard` of every (global) training
/// batch: the same images with the same augmentation as the single process's batch
/// holds at those positions.
public struct Batches {
    public let set: ImageSet
    public let preprocessing: Preprocessing
    /// Images in a batch, over all ranks.
    public let batchSize: Int
    /// The part of each training batch this process prepares.
    public var shard = Shard.whole
    /// nil: the images in order, unaugmented, the last batch possibly smaller (evaluation).
    public let shuffling: (seed: UInt64, epoch: Int, augmentation: Augmentation)?
    private let order: [Int]

    /// Training batches of one epoch; the last incomplete batch is dropped, so that
    /// BatchNorm never sees a batch of one. `balanced`: as many images, each drawn (with
    /// replacement) from a class chosen uniformly, so every class is seen equally often.
    /// Either order is a function of (seed, epoch) alone, so a resumed run sees the same.
    public static func training(_ set: ImageSet, preprocessing: Preprocessing, batchSize: Int,
                                augmentation: Augmentation, seed: UInt64, epoch: Int, balanced: Bool = false) -> Batches {
        precondition(set.transform == preprocessing.transform, "the images were stored for another transform")
        var generator = RandomGenerator(seed: mix(seed, UInt64(epoch), 0x0DE5))
        let order = balanced ? balancedOrder(labels: set.labels, using: &generator)
            : Array(0..<set.count).shuffled(using: &generator)
        return Batches(set: set, preprocessing: preprocessing, batchSize: min(batchSize, set.count),
                       shuffling: (seed, epoch, augmentation), order: order)
    }

    /// Every image once, in order, as it is: for validation and evaluation. With a
    /// `shard`, only that rank's contiguous share of the images.
    public static func evaluation(_ set: ImageSet, preprocessing: Preprocessing, batchSize: Int,
                                  shard: Shard = .whole) -> Batches {
        precondition(set.transform == preprocessing.transform, "the images were stored for another transform")
        return Batches(set: set, preprocessing: preprocessing, batchSize: batchSize, shuffling: nil,
                       order: Array(shard.range(of: set.count)))
    }

    /// `labels.count` indices: a uniform class, then a uniform image of it, each time.
    static func balancedOrder(labels: [Int], using generator: inout RandomGenerator) -> [Int] {
        let byClass = Dictionary(grouping: labels.indices) { labels[$0] }.sorted { $0.key < $1.key }.map(\.value)
        guard !byClass.isEmpty else { return [] }
        return labels.indices.map { _ in
            let members = byClass[Int.random(in: 0..<byClass.count, using: &generator)]
            return members[Int.random(in: 0..<members.count, using: &generator)]
        }
    }

    public var count: Int {
        shuffling == nil ? (order.count + batchSize - 1) / batchSize : order.count / batchSize
    }

    public func batch(_ b: Int) throws -> Batch {
        let global = order[(b * batchSize)..<min((b + 1) * batchSize, order.count)]
        let mine = shard.range(of: global.count)
        let indices = global.dropFirst(mine.lowerBound).prefix(mine.count)
        let s = preprocessing.imageSize, stride = preprocessing.channels * s * s
        let images = Tensor(shape: [indices.count, preprocessing.channels, s, s])
        var generator = RandomGenerator(seed: mix(shuffling?.seed ?? 0, UInt64(shuffling?.epoch ?? 0), UInt64(b)))
        // The draws are sequential: skip those of the images before this shard.
        if let augmentation = shuffling?.augmentation {
            for _ in 0..<mine.lowerBound { _ = augmentation.draw(using: &generator) }
        }
        for (slot, i) in indices.enumerated() {
            let image = try set.image(i)
            let destination = images.data + slot * stride
            switch (shuffling?.augmentation, preprocessing.transform) {
            case let (augmentation?, .fitWhole):
                augmentation.write(image, augmentation.draw(using: &generator), preprocessing: preprocessing, into: destination)
            case let (augmentation?, .photo):
                augmentation.writePhoto(image, augmentation.photoDraw(width: image.width, height: image.height, using: &generator),
                                        preprocessing: preprocessing, into: destination)
            case (nil, _):
                preprocessing.writeNormalized(preprocessing.fitted(image), into: destination)
            }
        }
        return Batch(images: images, labels: indices.map { set.labels[$0] })
    }

    /// The batches from `start` on, each prepared on a background thread while the
    /// caller works on the one before.
    public func prefetching(from start: Int = 0) -> Prefetcher<Batch> {
        Prefetcher(range: start..<count) { try self.batch($0) }
    }
}

/// Combines numbers into one well-spread seed.
func mix(_ values: UInt64...) -> UInt64 {
    var generator = RandomGenerator(seed: values.reduce(0x243F_6A88_85A3_08D3) { ($0 ^ $1) &* 0x100_0000_01B3 })
    return generator.next()
}

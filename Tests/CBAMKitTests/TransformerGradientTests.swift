import XCTest
import Foundation
import CBAMKit

/// The ViT's layers, an encoder block and a whole small ViT against finite
/// differences (GradientCheck's tolerance), and the vector math they rest on.
/// Feature sizes are chosen off multiples of 16 where a layer has a row tail.
final class TransformerGradientTests: XCTestCase {
    var check = GradientCheck()
    var generator = RandomGenerator(seed: 5)

    func testLayerNorm() {
        for features in [16, 21] {
            let norm = LayerNorm(features)
            let gamma = check.random([features], scale: 0.5), beta = check.random([features], scale: 0.5)
            for i in 0..<features { norm.weight.value.data[i] = 1 + gamma.data[i]; norm.bias.value.data[i] = beta.data[i] }
            let x = check.random([2, 3, features]), residual = check.random([2, 3, features])
            check.check("layernorm d=\(features)", tensors: [("x", x), ("weight", norm.weight.value), ("bias", norm.bias.value)],
                        forward: { norm.forward(x, .training) },
                        backward: { dy in [norm.backward(dy), norm.weight.gradient, norm.bias.gradient] })
            // The residual copy is x itself, and the added gradient arrives unchanged.
            let (_, copy) = norm.forward(x, .training, copyingInput: true)
            XCTAssertEqual(copy!.scalars, x.scalars)
            let dy = check.random([2, 3, features])
            let plain = norm.backward(dy).scalars, summed = norm.backward(dy, adding: residual).scalars
            for i in plain.indices { XCTAssertEqual(summed[i], plain[i] + residual.data[i], accuracy: 1e-6) }
        }
    }

    func testGELU() {
        let x = check.random([3, 41], scale: 2)
        let gelu = GELU()
        check.check("gelu", tensors: [("x", x)], forward: { gelu.forward(x, .training) }, backward: { [gelu.backward($0)] })
        let y = gelu.forward(x, .inference).scalars
        for i in 0..<x.count {
            let v = Double(x.data[i])
            XCTAssertEqual(Double(y[i]), 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot())), accuracy: 1e-6, "GELU(\(v))")
        }
    }

    func testRowSoftmax() {
        let x = check.random([2, 3, 19], scale: 2)
        let softmax = RowSoftmax(scale: 0.7)
        check.check("row softmax", tensors: [("x", x)], forward: { softmax.forward(x, .training) }, backward: { [softmax.backward($0)] })
        let p = softmax.forward(x, .inference).scalars
        for row in 0..<6 {
            let values = (0..<19).map { Double(x.data[row * 19 + $0]) * 0.7 }
            let top = values.max()!, total = values.reduce(0) { $0 + Foundation.exp($1 - top) }
            for j in 0..<19 { XCTAssertEqual(Double(p[row * 19 + j]), Foundation.exp(values[j] - top) / total, accuracy: 1e-6) }
        }
    }

    /// Q·Kᵀ and P·V through the head views of a qkv tensor, as the attention uses them.
    func testBatchedProductsThroughHeadViews() {
        let (n, t, h, dh) = (2, 5, 3, 4)
        let d = h * dh
        typealias View = BatchedMatrixProduct.View
        let projection = View(batchStrides: [t * 3 * d, dh], rowStride: 3 * d)
        let scores = View.dense(batch: [n, h], rows: t, columns: t)
        let merged = View(batchStrides: [t * d, dh], rowStride: d)
        let qkv = check.random([n, t, 3 * d]), p = check.random([n, h, t, t])
        let scoreProduct = BatchedMatrixProduct(batch: [n, h], m: t, n: t, k: dh, a: projection, b: projection.transposed, c: scores)
        check.check("Q·Kᵀ", tensors: [("qkv", qkv)],
                    forward: {
                        let s = Tensor(shape: [n, h, t, t])
                        scoreProduct.forward(qkv.data, qkv.data + d, into: s.data)
                        return s
                    },
                    backward: { dS in
                        let dQKV = Tensor.zeros([n, t, 3 * d])
                        scoreProduct.backward(dS.data, qkv.data, qkv.data + d, aGradient: dQKV.data, bGradient: dQKV.data + d)
                        return [dQKV]
                    })
        let valueProduct = BatchedMatrixProduct(batch: [n, h], m: t, n: dh, k: t, a: scores, b: projection, c: merged)
        check.check("P·V", tensors: [("p", p), ("qkv", qkv)],
                    forward: {
                        let o = Tensor(shape: [n, t, d])
                        valueProduct.forward(p.data, qkv.data + 2 * d, into: o.data)
                        return o
                    },
                    backward: { dO in
                        let dP = Tensor(shape: p.shape), dQKV = Tensor.zeros([n, t, 3 * d])
                        valueProduct.backward(dO.data, p.data, qkv.data + 2 * d, aGradient: dP.data, bGradient: dQKV.data + 2 * d)
                        return [dP, dQKV]
                    })
    }

    func testTokenEmbedding() {
        let embedding = TokenEmbedding(dimension: 20, patches: 6, generator: &generator)
        let patches = check.random([2, 20, 2, 3])
        check.check("token embedding", tensors: [("patches", patches), ("cls_token", embedding.classToken.value), ("pos_embed", embedding.positions.value)],
                    forward: { embedding.forward(patches.reordered(to: .blocked), .training) },
                    backward: { dy in [embedding.backward(dy).reordered(to: .plain), embedding.classToken.gradient, embedding.positions.gradient] })
    }

    func testLinearAddingIntoAStream() {
        let linear = Linear(7, 5, generator: &generator)
        for i in 0..<5 { linear.bias!.value.data[i] = Float(i) * 0.1 }
        let x = check.random([4, 7]), stream = check.random([4, 5])
        let expected = zip(linear.forward(x, .training).scalars, stream.scalars).map { $0 + $1 }
        let out = linear.forward(x, .training, addingTo: stream.copy())
        for (a, b) in zip(out.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        let fused = linear.forwardGELU(x).scalars, gelu = GELU().forward(linear.forward(x, .inference), .inference).scalars
        for (a, b) in zip(fused, gelu) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testMultiHeadSelfAttention() {
        let attention = MultiHeadSelfAttention(dimension: 12, heads: 3, generator: &generator)
        let x = check.random([2, 5, 12])
        let parameters = attention.parameters
        check.check("attention", tensors: [("x", x)] + parameters.map { ($0.key, $0.parameter.value) },
                    forward: {
                        let stream = Tensor.zeros([2, 5, 12])
                        attention.forward(x, .training, addingTo: stream)
                        return stream
                    },
                    backward: { dy in [attention.backward(dy)] + parameters.map { $0.parameter.gradient } })
    }

    func testEncoderBlock() {
        let block = EncoderBlock(dimension: 12, heads: 2, mlpRatio: 2, generator: &generator)
        perturb(block.parameters)
        let x = check.random([2, 5, 12])
        let parameters = block.parameters
        for classTokenOnly in [false, true] {
            check.check("encoder block classTokenOnly:\(classTokenOnly)", tensors: [("x", x)] + parameters.map { ($0.key, $0.parameter.value) },
                        forward: { block.forward(x, .training, classTokenOnly: classTokenOnly) },
                        backward: { dy in [block.backward(dy)] + parameters.map { $0.parameter.gradient } })
        }
        // The class token's row alone is the full block's first row.
        let full = block.forward(x, .inference).scalars, first = block.forward(x, .inference, classTokenOnly: true).scalars
        for image in 0..<2 {
            for j in 0..<12 { XCTAssertEqual(first[image * 12 + j], full[image * 5 * 12 + j], accuracy: 1e-5) }
        }
    }

    func testWholeVisionTransformer() {
        let configuration = ModelConfiguration(architecture: .vitTiny, attention: .none, channels: 3, imageSize: 8, classes: 3,
                                               width: 16, depth: 2, patchSize: 4, heads: 2, mlpRatio: 2)
        let model = VisionTransformer(configuration, seed: 3)
        perturb(model.parameters)
        let images = check.random([2, 3, 8, 8])
        let parameters = model.parameters
        check.check("vit", tensors: [("images", images)] + parameters.map { ($0.key, $0.parameter.value) },
                    forward: { model.forward(images, .training) },
                    backward: { dy in [model.backward(dy, inputGradient: true)!] + parameters.map { $0.parameter.gradient } })
    }

    /// Away from the initialisation's zero biases and unit norms, so every term of the
    /// gradient matters.
    private func perturb(_ parameters: [(key: String, parameter: Parameter)]) {
        for (_, parameter) in parameters {
            let noise = check.random(parameter.shape, scale: 0.2)
            for i in 0..<parameter.value.count { parameter.value.data[i] += noise.data[i] }
        }
    }
}

import OneDNN

/// LayerNorm's passes over the rows of a plain [..., d] tensor (see `LayerNorm`),
/// rows split across the thread team, each row in vectors with its tail masked.
enum LayerNormKernels {
    /// y = (x − mean)/σ·γ + β per row, σ = √(biased variance + ε). Also writes x̂ and 1/σ
    /// per row, and a copy of x, into the tensors given for them.
    static func forward(_ x: Tensor, gamma: Tensor, beta: Tensor, epsilon eps: Float, into y: Tensor,
                        normalized xhat: Tensor?, inverseStd rstd: Tensor?, copy: Tensor?) {
        let d = gamma.count, rows = x.count / d
        let (gamma, beta) = (gamma.data, beta.data)
        let runs = VectorRuns(d)
        Parallel.forEachChunk(rows, minimumPerThread: 16) { range, _ in
            for row in range {
                let xr = x.data + row * d, yr = y.data + row * d
                var sum = Vector()
                runs.forEach { j, _, keep in sum += xr.vector(at: j) * keep }
                let mean = sum.sum() / Float(d)
                var squares = Vector()
                runs.forEach { j, _, keep in
                    let centred = (xr.vector(at: j) - mean) * keep
                    squares += centred * centred
                }
                let inverse = 1 / (squares.sum() / Float(d) + eps).squareRoot()
                runs.forEach { j, n, _ in
                    let v = xr.vector(at: j)
                    let h = (v - mean) * inverse
                    yr.setVector(h * gamma.vector(at: j) + beta.vector(at: j), at: j, count: n)
                    xhat?.data.setVector(h, at: row * d + j, count: n)
                    copy?.data.setVector(v, at: row * d + j, count: n)
                }
                rstd?.data[row] = inverse
            }
        }
    }

    /// ∂x = (∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂))/σ with ∂x̂ = dy·γ, plus `residualGradient`
    /// when given; ∂γ = Σ dy·x̂ and ∂β = Σ dy over the rows, overwritten.
    static func backward(_ dy: Tensor, normalized xhat: Tensor, inverseStd rstd: Tensor, gamma: Tensor,
                         residualGradient: Tensor?, into dx: Tensor, gammaGradient: Tensor, betaGradient: Tensor) {
        let d = gamma.count, rows = dy.count / d
        let partials = PerThreadSums(count: 2 * d)  // Σ dy·x̂ (∂γ), then Σ dy (∂β)
        let gamma = gamma.data
        let runs = VectorRuns(d)
        Parallel.forEachChunk(rows, minimumPerThread: 16) { range, thread in
            let acc = partials.buffer(thread)
            for row in range {
                let base = row * d
                var sumG = Vector(), sumGH = Vector()
                runs.forEach { j, n, keep in
                    let g = dy.data.vector(at: base + j) * keep, h = xhat.data.vector(at: base + j) * keep
                    let gh = g * gamma.vector(at: j)
                    sumG += gh
                    sumGH += gh * h
                    acc.setVector(acc.vector(at: j) + g * h, at: j, count: n)
                    acc.setVector(acc.vector(at: d + j) + g, at: d + j, count: n)
                }
                let meanG = sumG.sum() / Float(d), meanGH = sumGH.sum() / Float(d)
                let inverse = rstd.data[row]
                runs.forEach { j, n, _ in
                    let gh = dy.data.vector(at: base + j) * gamma.vector(at: j)
                    var v = (gh - meanG - xhat.data.vector(at: base + j) * meanGH) * inverse
                    if let residualGradient { v += residualGradient.data.vector(at: base + j) }
                    dx.data.setVector(v, at: base + j, count: n)
                }
            }
        }
        let sums = Tensor(shape: [2 * d])
        partials.total(into: sums.data)
        gammaGradient.data.update(from: sums.data, count: d)
        betaGradient.data.update(from: sums.data + d, count: d)
    }
}

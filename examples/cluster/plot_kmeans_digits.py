"""
====================================================
K-means on the handwritten digits, in two dimensions
====================================================

The digits data set has 1,797 images of 8x8 pixels. We project them onto
their first two principal components with :class:`sklearn.decomposition.PCA`,
cluster the projection with :class:`skdl.cluster.KMeans` into ten clusters
(one per digit, although k-means does not see the labels) and draw the
regions of the plane that each center attracts: these are the cells of the
Voronoi diagram of the centers, since a point belongs to its nearest center.

We then fit scikit-learn's :class:`sklearn.cluster.KMeans` with the same
settings and seed, and compare the within-cluster sums of squares (the
inertia). skdl draws its k-means++ seeds in the same order as scikit-learn,
so the two runs start from the same centers and should agree to rounding.
"""

# %%
# Load the digits and project them to 2-D
# ---------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

from skdl.cluster import KMeans

X_digits, y_digits = load_digits(return_X_y=True)
X = PCA(n_components=2, random_state=0).fit_transform(X_digits)
print(f"{X.shape[0]} samples, {X.shape[1]} features after PCA")

# %%
# Fit skdl's KMeans and scikit-learn's KMeans
# -------------------------------------------
# Both keep the best of four k-means++ initialisations.
params = dict(n_clusters=10, n_init=4, random_state=0)
kmeans = KMeans(**params, device="cpu").fit(X)
reference = SklearnKMeans(**params).fit(X)

print(f"skdl inertia:         {kmeans.inertia_:.6f} ({kmeans.n_iter_} iterations)")
print(f"scikit-learn inertia: {reference.inertia_:.6f} ({reference.n_iter_} iterations)")
print(f"relative difference:  {abs(kmeans.inertia_ / reference.inertia_ - 1):.2e}")

# %%
# Plot the Voronoi regions and the centers
# ----------------------------------------
# ``predict`` on a fine grid colours each point of the plane by the cluster of
# its nearest center.
step = 0.1
x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
xx, yy = np.meshgrid(np.arange(x_min, x_max, step), np.arange(y_min, y_max, step))
regions = kmeans.predict(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)

fig, ax = plt.subplots(figsize=(7, 6), layout="constrained")
ax.imshow(
    regions,
    interpolation="nearest",
    extent=(xx.min(), xx.max(), yy.min(), yy.max()),
    cmap=plt.cm.tab10,
    alpha=0.35,
    aspect="auto",
    origin="lower",
)
ax.scatter(X[:, 0], X[:, 1], s=4, c="k", alpha=0.6)
centers = kmeans.cluster_centers_
ax.scatter(centers[:, 0], centers[:, 1], marker="x", s=150, linewidths=3, color="w", zorder=10)
ax.set(
    title="K-means (skdl) on PCA-reduced digits\ncenters marked with white crosses",
    xlim=(x_min, x_max),
    ylim=(y_min, y_max),
    xticks=(),
    yticks=(),
)
plt.show()

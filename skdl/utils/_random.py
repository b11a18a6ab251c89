"""Random numbers inside numba kernels, from an explicit state.

Kernels draw from a state seeded by the estimator's ``random_state`` and
passed in, never from numba's global generator (``np.random.seed`` inside a
kernel would reseed it for everyone else in the process).
"""

from numba import njit


@njit(cache=True, nogil=True)
def rand_r(state):
    """scikit-learn's xorshift step (``our_rand_r``) on a uint32 held in an int64.

    Parameters
    ----------
    state : int
        The current state; 0 is treated as 1.

    Returns
    -------
    state : int
        The next state, also the next random number in ``[0, 2**32)``.
    """
    if state == 0:
        state = 1
    state ^= (state << 13) & 0xFFFFFFFF
    state ^= state >> 17
    state ^= (state << 5) & 0xFFFFFFFF
    return state

namespace EdgeGateway.Routing;

/// <summary>
/// One destination's circuit breaker. Closed: every request passes; consecutive failed calls are counted, and the
/// <see cref="CircuitBreakerSettings.FailureCount"/>th opens it. Open: no request passes until the trip duration has gone
/// by; then exactly one request passes as a probe (half-open). The probe's success closes the breaker, its failure opens it
/// again. A probe whose call ends without an outcome of the backend's (its client went away, its client's body failed) is
/// released at once (<see cref="Release"/>): the next request probes instead. Only a probe still in flight after its whole
/// request timeout (a safety net: the forwarding code always records or releases) is given up, so that a lost probe cannot
/// keep the breaker half-open for good. Lives with its <see cref="Destination"/>, so it survives a config swap.
/// </summary>
internal sealed class CircuitBreaker
{
    private readonly Lock gate = new();
    private volatile CircuitState state;
    private int failures;

    // Open: when a probe may pass. Half-open: when a probe still in flight is given up (its request timeout).
    private DateTimeOffset until;

    public CircuitState State => state;

    /// <summary>When an open breaker lets a probe through (meaningful while not closed): what Retry-After says.</summary>
    public DateTimeOffset OpenUntil
    {
        get
        {
            lock (gate)
            {
                return until;
            }
        }
    }

    /// <summary>
    /// Whether a request may go to the destination now; <paramref name="probe"/>: it is the half-open probe whose outcome decides.
    /// <paramref name="probeTimeout"/>: the request's timeout; a probe in flight longer than that is given up (default: the trip duration).
    /// </summary>
    public bool TryEnter(CircuitBreakerSettings settings, DateTimeOffset now, out bool probe, TimeSpan? probeTimeout = null)
    {
        probe = false;
        if (state == CircuitState.Closed)
        {
            return true; // the common case takes no lock
        }

        lock (gate)
        {
            if (state == CircuitState.Closed)
            {
                return true;
            }

            if (now < until)
            {
                return false;
            }

            state = CircuitState.HalfOpen;
            until = now + (probeTimeout ?? settings.TripDuration);
            probe = true;
            return true;
        }
    }

    /// <summary>One call's outcome. Says when it changed the breaker's state, for the log.</summary>
    public CircuitState? Record(CircuitBreakerSettings settings, bool failed, bool probe, DateTimeOffset now)
    {
        if (!failed && !probe && state == CircuitState.Closed && Volatile.Read(ref failures) == 0)
        {
            return null; // a success while all is well: nothing to change, no lock
        }

        lock (gate)
        {
            if (probe)
            {
                return failed ? Trip(settings, now) : Close();
            }

            if (state != CircuitState.Closed)
            {
                return null; // a call sent before the breaker opened: the probe decides, not it
            }

            if (!failed)
            {
                failures = 0;
                return null;
            }

            return ++failures >= settings.FailureCount ? Trip(settings, now) : null;
        }
    }

    /// <summary>
    /// The probe's call ended without an outcome that says anything about the backend (the client went away, its body failed):
    /// back to open with no wait, so that the next request probes instead of every request getting 503 for a trip duration.
    /// </summary>
    public void Release(DateTimeOffset now)
    {
        lock (gate)
        {
            if (state == CircuitState.HalfOpen)
            {
                state = CircuitState.Open;
                until = now;
            }
        }
    }

    /// <summary>The backend no longer has a breaker: forget what this one learned.</summary>
    public void Reset()
    {
        lock (gate)
        {
            Close();
        }
    }

    private CircuitState Trip(CircuitBreakerSettings settings, DateTimeOffset now)
    {
        failures = 0;
        until = now + settings.TripDuration;
        state = CircuitState.Open;
        return CircuitState.Open;
    }

    private CircuitState? Close()
    {
        failures = 0;
        var changed = state != CircuitState.Closed;
        state = CircuitState.Closed;
        return changed ? CircuitState.Closed : null;
    }
}

/// <summary>A circuit breaker's states.</summary>
internal enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}

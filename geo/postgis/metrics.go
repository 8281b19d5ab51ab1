package postgis

import (
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector exports the connection pool's statistics to Prometheus.
func (s *Store) PoolCollector() prometheus.Collector { return poolCollector{s} }

type poolCollector struct{ s *Store }

var (
	poolTotal    = prometheus.NewDesc("commonground_db_pool_connections", "Connections in the pool, by state.", []string{"state"}, nil)
	poolAcquires = prometheus.NewDesc("commonground_db_pool_acquires_total", "Connections acquired from the pool.", nil, nil)
	poolWaits    = prometheus.NewDesc("commonground_db_pool_empty_acquires_total", "Acquires that had to wait for a connection.", nil, nil)
	poolMax      = prometheus.NewDesc("commonground_db_pool_max_connections", "Pool size limit.", nil, nil)
	dataVersion  = prometheus.NewDesc("commonground_data_version", "The data version as notified (0 while the listener is down).", nil, nil)
	ovlVersion   = prometheus.NewDesc("commonground_overlap_index_data_version", "The data version the overlap index was built from (0: none yet).", nil, nil)
	ovlPairs     = prometheus.NewDesc("commonground_overlap_index_overlaps", "Overlaps the overlap index found.", nil, nil)
	ovlSeconds   = prometheus.NewDesc("commonground_overlap_index_build_seconds", "How long the last overlap index build took.", nil, nil)
	authLookups  = prometheus.NewDesc("commonground_auth_cache_lookups_total", "Session and token lookups made while the account cache was in use, by result (hit, miss).", []string{"result"}, nil)
	authFlushes  = prometheus.NewDesc("commonground_auth_cache_flushes_total", "Times the account cache was flushed (an account change, or the listener connecting).", nil, nil)
)

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolTotal
	ch <- poolAcquires
	ch <- poolWaits
	ch <- poolMax
	ch <- dataVersion
	ch <- ovlVersion
	ch <- ovlPairs
	ch <- ovlSeconds
	ch <- authLookups
	ch <- authFlushes
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(st.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(st.MaxConns()))
	var v int64
	if c.s.watch.live.Load() {
		v = c.s.watch.version.Load()
	}
	ch <- prometheus.MustNewConstMetric(dataVersion, prometheus.GaugeValue, float64(v))
	var iv, n int64
	var built float64
	if idx := c.s.overlapIdx.get(); idx != nil {
		iv, n, built = idx.version, idx.Total, idx.built.Seconds()
	}
	ch <- prometheus.MustNewConstMetric(ovlVersion, prometheus.GaugeValue, float64(iv))
	ch <- prometheus.MustNewConstMetric(ovlPairs, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(ovlSeconds, prometheus.GaugeValue, built)
	ch <- prometheus.MustNewConstMetric(authLookups, prometheus.CounterValue, float64(c.s.auth.hits.Load()), "hit")
	ch <- prometheus.MustNewConstMetric(authLookups, prometheus.CounterValue, float64(c.s.auth.misses.Load()), "miss")
	ch <- prometheus.MustNewConstMetric(authFlushes, prometheus.CounterValue, float64(c.s.auth.flushes.Load()))
}

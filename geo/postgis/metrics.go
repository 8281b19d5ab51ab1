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
)

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolTotal
	ch <- poolAcquires
	ch <- poolWaits
	ch <- poolMax
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(st.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(st.MaxConns()))
}

# Charts of a scripts/bench run, drawn by report.py:
#   gnuplot -e "kind='profile'|'throughput'; dir='RESULTS'; out='FILE.png'" charts.gp
# Data files: a header line, then per target: name, and per series: median lo hi.
# Bars are drawn as boxes at computed offsets (rather than gnuplot's
# histogram style, which misplaces error bars of a single series).

set terminal pngcairo size 1200,520 font "sans,10"
set output out
set style fill solid 0.8 border -1
set grid ytics
set xtics rotate by 30 right noenhanced
set key top right noenhanced
set yrange [*<0:*]
set offsets 0.5, 0.5, 0, 0
# The first line of each data file names the series.
set key autotitle columnhead

has(f) = system("test -s '".dir."/".f."' && echo 1 || echo 0") + 0
# x of series i (0-based) of n in the cluster of row r; bar width w(n).
w(n) = 0.8 / n
x(r, i, n) = r + (i - (n - 1) / 2.0) * w(n)

if (kind eq 'profile') {
    f = dir.'/profile-overhead.dat'
    set boxwidth w(1)
    set multiplot layout 1, 2 title "User's profile: latency added over direct (median, min–max of repeats)"
    set key off
    set ylabel "ms over direct"
    set title "average".(exists("avg_max") ? " (axis capped: some error bars run off the top)" : "")
    if (exists("avg_max")) { set yrange [*<0:avg_max] }
    plot f using 0:2:xtic(1) with boxes lc rgb "#4477aa", '' using 0:2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0.01 notitle
    set title "p99".(exists("p99_max") ? " (axis capped: some error bars run off the top)" : "")
    set yrange [*<0:*]
    if (exists("p99_max")) { set yrange [*<0:p99_max] }
    plot f using 0:5:xtic(1) with boxes lc rgb "#ee6677", '' using 0:5:6:7 with yerrorbars lc rgb "black" pt 7 ps 0.01 notitle
    unset multiplot
}

if (kind eq 'throughput') {
    panels = has('keepalive.dat') + has('churn.dat') + has('bulk.dat')
    set multiplot layout 1, panels title "Throughput per target (median, min–max of repeats)"
    if (has('keepalive.dat')) {
        f = dir.'/keepalive.dat'
        set boxwidth w(2)
        set title "Keep-alive saturation"
        set ylabel "requests/s"
        plot f using (x($0, 0, 2)):2:xtic(1) with boxes lc rgb "#4477aa" title columnheader(2), \
             '' using (x($0, 0, 2)):2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0.01 notitle, \
             '' using (x($0, 1, 2)):5 with boxes lc rgb "#66ccee" title columnheader(5), \
             '' using (x($0, 1, 2)):5:6:7 with yerrorbars lc rgb "black" pt 7 ps 0.01 notitle
    }
    if (has('churn.dat')) {
        f = dir.'/churn.dat'
        set boxwidth w(1)
        set title "Connection churn"
        set ylabel "connections/s"
        plot f using 0:2:xtic(1) with boxes lc rgb "#228833" title columnheader(2), \
             '' using 0:2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0.01 notitle
    }
    if (has('bulk.dat')) {
        f = dir.'/bulk.dat'
        set boxwidth w(2)
        set title "Bulk (iperf3)"
        set ylabel "Gbit/s"
        plot f using (x($0, 0, 2)):2:xtic(1) with boxes lc rgb "#aa3377" title columnheader(2), \
             '' using (x($0, 0, 2)):2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0.01 notitle, \
             '' using (x($0, 1, 2)):5 with boxes lc rgb "#ccbb44" title columnheader(5), \
             '' using (x($0, 1, 2)):5:6:7 with yerrorbars lc rgb "black" pt 7 ps 0.01 notitle
    }
    unset multiplot
}

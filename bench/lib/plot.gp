# Draws one panel per scenario metric, one bar per target (median) with a min-max line.
# Usage: gnuplot -e "datafile='plot.dat'; outfile='latest.png'" plot.gp
# report.py writes datafile (one block per panel) and datafile.gp (panel titles, label formats).
load datafile.'.gp'

cols = (npanels > 4) ? 4 : npanels
rows = (npanels + cols - 1) / cols
set terminal pngcairo size 1800,450*rows font "DejaVu Sans,11" noenhanced
set output outfile
set linetype 1 lc rgb "#d1495b"
set linetype 2 lc rgb "#00798c"
set linetype 3 lc rgb "#edae49"
set linetype 4 lc rgb "#30638e"
set linetype 5 lc rgb "#8d8d8d"

set multiplot layout rows, cols title suptitle font ",14"
set style fill solid 0.85 border -1
set boxwidth 0.6
set grid ytics lc rgb "#dddddd"
set offsets 0.5, 0.5, 0, 0
set xtics nomirror scale 0
set ytics nomirror
set border 3
unset key
do for [i=1:npanels] {
    set autoscale y
    stats datafile index (i-1) using 4 nooutput
    set yrange [0:STATS_max * 1.15]  # room above the highest line for its value label
    set title value(sprintf("title_%d", i))
    label_fmt = value(sprintf("fmt_%d", i))
    plot datafile index (i-1) using 0:2:5:xtic(1) with boxes lc variable, \
         '' index (i-1) using 0:3:(0):($4-$3) with vectors nohead lw 1.5 lc rgb "#333333", \
         '' index (i-1) using 0:4:(sprintf(label_fmt, $2)) with labels offset 0,0.8 font ",10"
}
unset multiplot

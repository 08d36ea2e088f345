#!/usr/bin/env python3
# Takeover pause with N live plain-TCP connections echoing both ways through quill (each checks its bytes):
#   python3 bench/takeover.py N      (QUILL=/path/to/quill, default the Debug build)
# Prints the old process's "taken over" line (moved in T ms: the pause of the moved connections) and the time from
# starting the new process to the old one's exit. Any EOF or corrupt byte on a connection stops its thread early.
import socket, subprocess, time, threading, sys, os
Q=os.environ.get("QUILL",os.path.join(os.path.dirname(os.path.abspath(__file__)),"..","src/Quill/bin/Debug/net10.0/quill"))
N=int(sys.argv[1])
srv=socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); srv.bind(("127.0.0.1",0)); srv.listen(1024); bport=srv.getsockname()[1]
def echo(c):
    try:
        while True:
            d=c.recv(65536)
            if not d: c.shutdown(socket.SHUT_WR); return
            c.sendall(d)
    except OSError: pass
def acc():
    while True:
        c,_=srv.accept(); threading.Thread(target=echo,args=(c,),daemon=True).start()
threading.Thread(target=acc,daemon=True).start()
lport=bport+1000
pid="/tmp/quill-takeover-bench-%d.pid"%N
args=[Q,"-f","-x","2000","-p",pid,str(lport),"127.0.0.1:%d"%bport]
old=subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
while not os.path.exists(pid+".takeover"): time.sleep(0.05)
conns=[socket.create_connection(("127.0.0.1",lport)) for i in range(N)]
stop=False; sent=[0]*N; got=[0]*N
def pump(i):
    c=conns[i]; c.settimeout(20); chunk=bytes([i%251])*4096
    while not stop:
        c.sendall(chunk); sent[i]+=len(chunk)
        while got[i] < sent[i]:
            d=c.recv(65536)
            if not d: raise SystemExit("EOF on %d"%i)
            if d.count(bytes([i%251]))!=len(d): raise SystemExit("corrupt on %d"%i)
            got[i]+=len(d)
ts=[threading.Thread(target=pump,args=(i,),daemon=True) for i in range(N)]
for t in ts: t.start()
time.sleep(1)
t0=time.time()
new=subprocess.Popen([Q,"--takeover"]+args[1:], stderr=subprocess.PIPE, text=True)
old.wait(timeout=60); t1=time.time()
time.sleep(1); stop=True
for t in ts: t.join(timeout=20)
err=old.stderr.read()
print("N=%d moved line: %s" % (N, [l for l in err.splitlines() if "taken over" in l]))
print("N=%d new process start to old exit: %.0f ms; bytes echoed %d, all threads done: %s" % (N,(t1-t0)*1000,sum(got), all(not t.is_alive() for t in ts)))
new.terminate(); new.wait()

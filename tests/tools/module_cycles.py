# The top-level modules of src/ and the `crate::` paths between them (test code
# left out); prints the cycles, if any. Run from the repository root.
import os,re,sys
mods={}
for entry in os.listdir('src'):
    name=entry[:-3] if entry.endswith('.rs') else entry
    if name in ('lib','main'): continue
    mods[name]=set()
def deps(path):
    s=open(path).read()
    # drop test modules
    s=re.split(r'#\[cfg\(test\)\]', s)[0]
    s=re.sub(r'//.*','',s)
    out=set()
    for m in re.finditer(r'crate::(\w+)', s): out.add(m.group(1))
    for m in re.finditer(r'use crate::\{([^}]*)\}', s):
        for part in m.group(1).split(','):
            w=part.strip().split('::')[0]
            if w: out.add(w)
    return out
for m in mods:
    p='src/'+m
    files=[p+'.rs'] if os.path.exists(p+'.rs') else [os.path.join(r,f) for r,_,fs in os.walk(p) for f in fs if f.endswith('.rs')]
    for f in files:
        mods[m] |= {d for d in deps(f) if d in mods and d!=m}
# find cycles via DFS (SCCs)
index={};low={};stack=[];on=set();sccs=[];i=[0]
def strong(v):
    index[v]=low[v]=i[0]; i[0]+=1; stack.append(v); on.add(v)
    for w in mods[v]:
        if w not in index: strong(w); low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],index[w])
    if low[v]==index[v]:
        c=[]
        while True:
            w=stack.pop(); on.discard(w); c.append(w)
            if w==v: break
        if len(c)>1: sccs.append(c)
for v in mods:
    if v not in index: strong(v)
print("modules:",len(mods)); print("cycles:",sccs if sccs else "none")
for c in sccs:
    for a in c:
        print(a,'->',sorted(d for d in mods[a] if d in c))

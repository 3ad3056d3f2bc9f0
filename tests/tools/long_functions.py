# The functions of src/ longer than the limit (first argument, default 60
# lines), longest first. Run from the repository root.
import os,re,sys
limit=int(sys.argv[1]) if len(sys.argv)>1 else 60
out=[]
for root,_,files in os.walk('src'):
    for f in files:
        if not f.endswith('.rs'): continue
        p=os.path.join(root,f)
        lines=open(p).read().split('\n')
        i=0
        while i<len(lines):
            m=re.match(r'^(\s*)(pub(\([a-z]+\))? )?(const )?(async )?fn (\w+)', lines[i])
            if m and not lines[i].rstrip().endswith(';'):
                indent=len(m.group(1)); name=m.group(6)
                # find opening brace line then matching close at same indent
                j=i
                while j<len(lines) and '{' not in lines[j]: j+=1
                k=j+1
                while k<len(lines) and not (lines[k].startswith(' '*indent+'}') and len(lines[k])-len(lines[k].lstrip())==indent): k+=1
                n=k-i+1
                if n>limit: out.append((n,p,name))
                i=k
            i+=1
for n,p,name in sorted(out,reverse=True): print(n,p,name)

package gitrepo

import (
	"errors"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Rename detection follows `git diff -M` (Git 2.39, default options):
//
//  1. exact renames: an added file whose blob equals a deleted file's (a
//     regular file may change its executable bit; a link or submodule must
//     keep its mode). Among several such sources the first one, in path
//     order, with the same base name wins, else the first one;
//  2. among what is left, a deleted and an added file whose base name is
//     unique on both sides are paired when they are at least 75% similar;
//  3. every remaining (deleted, added) pair of regular files is scored, the
//     four best sources of each added file are kept, and pairs at least 50%
//     similar are taken best first; this step is skipped when the matrix
//     would exceed 1000×1000, as Git's diff.renameLimit does.
//
// Similarity is Git's estimate: contents are cut into chunks that end at a
// newline or after 64 bytes (a CR before LF is ignored in text), chunks are
// hashed into 107927 buckets, and the score is the number of source bytes
// found again in the destination over the larger size.
const (
	maxScore           = 60000
	minRenameScore     = maxScore / 2                                 // -M50%
	minBasenameScore   = minRenameScore + (maxScore-minRenameScore)/2 // 75%
	renameLimit        = 1000
	candidatesPerDst   = 4
	exactAlternatives  = 100
	spanHashBase       = 107927
	binaryProbeLength  = 8000
	spanMaxChunkLength = 64
)

type blobSpans struct {
	size   int
	counts map[uint32]uint32
}

type renamer struct {
	store   *objectStore
	changes []change
	used    []bool // by change index: a deleted file already renamed
	paired  []bool // by change index: an added file already paired
	spans   map[plumbing.Hash]*blobSpans
}

// detectRenames turns pairs of deletions and additions in changes (in path
// order) into renames, and returns the changes sorted by path.
func (s *objectStore) detectRenames(changes []change) ([]change, error) {
	var srcs, dsts []int
	for i := range changes {
		switch changes[i].status {
		case 'D':
			srcs = append(srcs, i)
		case 'A':
			dsts = append(dsts, i)
		}
	}
	if len(srcs) == 0 || len(dsts) == 0 {
		return changes, nil
	}
	r := &renamer{store: s, changes: changes, used: make([]bool, len(changes)), paired: make([]bool, len(changes))}

	// 1. Exact renames.
	byHash := map[plumbing.Hash][]int{}
	for _, i := range srcs {
		byHash[changes[i].oldHash] = append(byHash[changes[i].oldHash], i)
	}
	left := 0
	for _, d := range dsts {
		dst := &changes[d]
		best, bestScore, tries := -1, -1, exactAlternatives
		for _, si := range byHash[dst.newHash] {
			src := &changes[si]
			if !isRegular(src.oldMode) || !isRegular(dst.newMode) {
				if src.oldMode != dst.newMode {
					continue
				}
			}
			if r.used[si] {
				continue
			}
			score := 1
			if basenameSame(src.oldPath, dst.path) {
				score++
			}
			if score > bestScore {
				best, bestScore = si, score
				if score == 2 {
					break
				}
			}
			if tries--; tries == 0 {
				break
			}
		}
		if best >= 0 {
			r.pair(best, d)
		} else {
			left++
		}
	}
	srcs = r.unused(srcs)
	if left == 0 || len(srcs) == 0 {
		return r.result(), nil
	}

	// 2. Files that kept their (unique) base name.
	srcBase := map[string]int{}
	for _, si := range srcs {
		b := basename(changes[si].oldPath)
		if _, dup := srcBase[b]; dup {
			srcBase[b] = -1
		} else {
			srcBase[b] = si
		}
	}
	dstBase := map[string]int{}
	for _, d := range dsts {
		if r.paired[d] {
			continue
		}
		b := basename(changes[d].path)
		if _, dup := dstBase[b]; dup {
			dstBase[b] = -1
		} else {
			dstBase[b] = d
		}
	}
	for _, si := range srcs {
		b := basename(changes[si].oldPath)
		d, ok := dstBase[b]
		if !ok || srcBase[b] == -1 || d == -1 || r.paired[d] {
			continue
		}
		score, err := r.similarity(si, d, minBasenameScore)
		if err != nil {
			return nil, err
		}
		if score >= minBasenameScore {
			r.pair(si, d)
			left--
		}
	}
	srcs = r.unused(srcs)
	if left == 0 || len(srcs) == 0 || left*len(srcs) > renameLimit*renameLimit {
		return r.result(), nil
	}

	// 3. The similarity matrix.
	type score struct {
		src, dst  int // change indexes; dst < 0: unused slot
		score     int
		nameScore int
	}
	compare := func(a, b *score) int { // > 0 when a sorts after b
		switch {
		case a.dst < 0:
			if b.dst >= 0 {
				return 1
			}
			return 0
		case b.dst < 0:
			return -1
		case a.score == b.score:
			return b.nameScore - a.nameScore
		}
		return b.score - a.score
	}
	var mx []score
	for _, d := range dsts {
		if r.paired[d] {
			continue
		}
		var m [candidatesPerDst]score
		for k := range m {
			m[k].dst = -1
		}
		for _, si := range srcs {
			sc, err := r.similarity(si, d, minRenameScore)
			if err != nil {
				return nil, err
			}
			o := score{src: si, dst: d, score: sc}
			if basenameSame(changes[si].oldPath, changes[d].path) {
				o.nameScore = 1
			}
			worst := 0
			for k := 1; k < candidatesPerDst; k++ {
				if compare(&m[k], &m[worst]) > 0 {
					worst = k
				}
			}
			if compare(&m[worst], &o) > 0 {
				m[worst] = o
			}
		}
		mx = append(mx, m[:]...)
	}
	sort.SliceStable(mx, func(i, j int) bool { return compare(&mx[i], &mx[j]) < 0 })
	for k := range mx {
		m := &mx[k]
		if m.dst < 0 || m.score < minRenameScore {
			break
		}
		if r.paired[m.dst] || r.used[m.src] {
			continue
		}
		r.pair(m.src, m.dst)
	}
	return r.result(), nil
}

func (r *renamer) pair(src, dst int) {
	r.used[src] = true
	r.paired[dst] = true
	s, d := &r.changes[src], &r.changes[dst]
	d.status = 'R'
	d.oldPath, d.oldHash, d.oldMode = s.oldPath, s.oldHash, s.oldMode
}

func (r *renamer) unused(srcs []int) []int {
	out := srcs[:0]
	for _, i := range srcs {
		if !r.used[i] {
			out = append(out, i)
		}
	}
	return out
}

// result drops the deletions that became renames and sorts by path.
func (r *renamer) result() []change {
	out := r.changes[:0]
	for i := range r.changes {
		if r.used[i] {
			continue
		}
		out = append(out, r.changes[i])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

func isRegular(mode uint32) bool { return mode&modeTypeMask == modeRegular }

func basename(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func basenameSame(a, b string) bool { return basename(a) == basename(b) }

// similarity scores how much of the deleted file src is found in the added
// file dst, from 0 to maxScore, as Git estimates it; 0 when either is not a
// regular file, is over the blob limit (its size is read from its header
// and it is not inflated) or their sizes differ too much for minScore.
func (r *renamer) similarity(src, dst int, minScore int) (int, error) {
	s, d := &r.changes[src], &r.changes[dst]
	if !isRegular(s.oldMode) || !isRegular(d.newMode) {
		return 0, nil
	}
	ss, err := r.blobSpans(s.oldHash)
	if err != nil {
		return 0, err
	}
	ds, err := r.blobSpans(d.newHash)
	if err != nil {
		return 0, err
	}
	if ss.size < 0 || ds.size < 0 {
		return 0, nil
	}
	maxSize, baseSize := max(ss.size, ds.size), min(ss.size, ds.size)
	if maxSize*(maxScore-minScore) < (maxSize-baseSize)*maxScore {
		return 0, nil
	}
	if ds.size == 0 {
		return 0, nil
	}
	copied := 0
	for h, n := range ss.counts {
		copied += int(min(n, ds.counts[h]))
	}
	return copied * maxScore / maxSize, nil
}

func (r *renamer) blobSpans(h plumbing.Hash) (*blobSpans, error) {
	if sp, ok := r.spans[h]; ok {
		return sp, nil
	}
	var sp *blobSpans
	data, err := r.store.read(plumbing.BlobObject, h, "")
	switch {
	case errors.Is(err, ErrTooLarge):
		sp = &blobSpans{size: -1} // refused before it was read: never similar
	case err != nil:
		return nil, err
	default:
		sp = &blobSpans{size: len(data), counts: spanCounts(data)}
	}
	if r.spans == nil {
		r.spans = map[plumbing.Hash]*blobSpans{}
	}
	r.spans[h] = sp
	return sp, nil
}

// spanCounts cuts data into chunks (ending at a newline, or 64 bytes long)
// and counts the bytes of the chunks by hash bucket. A last chunk that has
// neither is not counted, as in Git.
func spanCounts(data string) map[uint32]uint32 {
	text := !strings.Contains(data[:min(len(data), binaryProbeLength)], "\x00")
	counts := map[uint32]uint32{}
	var a1, a2 uint32
	n := uint32(0)
	for i := 0; i < len(data); i++ {
		c := data[i]
		if text && c == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			continue
		}
		old := a1
		a1 = (a1 << 7) ^ (a2 >> 25)
		a2 = (a2 << 7) ^ (old >> 25)
		a1 += uint32(c)
		n++
		if n < spanMaxChunkLength && c != '\n' {
			continue
		}
		counts[(a1+a2*0x61)%spanHashBase] += n
		n, a1, a2 = 0, 0, 0
	}
	return counts
}

import { type RefObject, useEffect, useState } from 'react';

/** Whether the element is (nearly) on screen; drives infinite scrolling through a sentinel. */
export const useInView = (ref: RefObject<Element | null>, rootMargin = '200px'): boolean => {
  const [inView, setInView] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setInView(entries.some((entry) => entry.isIntersecting)), { rootMargin });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, rootMargin]);
  return inView;
};
